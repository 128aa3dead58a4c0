-- Standing orders (autopay) and payment templates of customers (issue 17; docs/products.md).

CREATE TABLE standing_orders (
    id               uuid        PRIMARY KEY,
    owner_id         uuid        NOT NULL,
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind             text        NOT NULL CHECK (kind IN ('transfer', 'utility')),
    from_account_id  uuid        NOT NULL REFERENCES accounts (id),
    to_account_id    uuid        REFERENCES accounts (id),
    provider_id      uuid,
    payer_account    text        CHECK (length(payer_account) BETWEEN 1 AND 40),
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         char(3)     NOT NULL,
    description      text        NOT NULL DEFAULT '',
    frequency        text        NOT NULL CHECK (frequency IN ('once', 'weekly', 'monthly')),
    start_date       date        NOT NULL,
    day_of_month     smallint    CHECK (day_of_month BETWEEN 1 AND 31),
    end_date         date,
    max_count        integer     CHECK (max_count > 0),
    on_insufficient  text        NOT NULL CHECK (on_insufficient IN ('skip', 'retry')),
    status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'finished')),
    next_seq         integer     NOT NULL DEFAULT 0 CHECK (next_seq >= 0),
    next_due         date,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'transfer') = (to_account_id IS NOT NULL)),
    CHECK ((kind = 'utility') = (provider_id IS NOT NULL AND payer_account IS NOT NULL)),
    CHECK ((frequency = 'monthly') = (day_of_month IS NOT NULL)),
    CHECK (status <> 'active' OR next_due IS NOT NULL)
);
CREATE INDEX standing_orders_owner_idx ON standing_orders (owner_id, created_at);
CREATE INDEX standing_orders_due_idx ON standing_orders (next_due) WHERE status = 'active';

-- One row per occurrence (order, seq): created once, whatever the number of sweeps, retries or outages.
CREATE TABLE standing_order_runs (
    order_id       uuid        NOT NULL REFERENCES standing_orders (id),
    seq            integer     NOT NULL CHECK (seq >= 0),
    due_date       date        NOT NULL,
    status         text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'paid', 'skipped', 'failed')),
    attempts       integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt   date        NOT NULL,
    result_id      text,
    problem_code   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, seq)
);
CREATE INDEX standing_order_runs_pending_idx ON standing_order_runs (next_attempt) WHERE status = 'pending';

CREATE TABLE payment_templates (
    id                 uuid        PRIMARY KEY,
    owner_id           uuid        NOT NULL,
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind               text        NOT NULL CHECK (kind IN ('transfer', 'p2p_phone', 'utility')),
    from_account_id    uuid        REFERENCES accounts (id),
    to_account_number  char(20)    CHECK (to_account_number ~ '^[0-9]{20}$'),
    to_phone           text        CHECK (length(to_phone) BETWEEN 6 AND 25),
    provider_id        uuid,
    payer_account      text        CHECK (length(payer_account) BETWEEN 1 AND 40),
    amount             bigint      CHECK (amount > 0),
    currency           char(3)     NOT NULL,
    description        text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'transfer') = (to_account_number IS NOT NULL)),
    CHECK ((kind = 'p2p_phone') = (to_phone IS NOT NULL)),
    CHECK ((kind = 'utility') = (provider_id IS NOT NULL AND payer_account IS NOT NULL)),
    UNIQUE (owner_id, name)
);
