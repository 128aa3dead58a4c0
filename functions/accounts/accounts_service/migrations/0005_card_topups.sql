-- Card top-ups (issue 14 item 4; docs/payments.md "Money in"): money in from a card of another bank through the
-- card acquirer. One row per top-up: created before the acquirer is asked (status creating), pending with the
-- acquirer's payment id and payment page, then succeeded (credited once, the ledger transaction named) or failed.
CREATE TABLE card_topups (
    id               uuid        PRIMARY KEY,
    owner_id         uuid        NOT NULL,
    account_id       uuid        NOT NULL REFERENCES accounts (id),
    idempotency_key  text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         char(3)     NOT NULL,
    status           text        NOT NULL DEFAULT 'creating'
                                 CHECK (status IN ('creating', 'pending', 'succeeded', 'failed')),
    payment_id       text        UNIQUE,
    confirmation_url text,
    card_mask        text        CHECK (card_mask IS NULL OR card_mask ~ '^[0-9]{6}\*{6}[0-9]{4}$'),
    failure_reason   text,
    transaction_id   uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, idempotency_key)
);
CREATE INDEX card_topups_open ON card_topups (created_at) WHERE status IN ('creating', 'pending');
CREATE INDEX card_topups_account ON card_topups (account_id, created_at DESC);
