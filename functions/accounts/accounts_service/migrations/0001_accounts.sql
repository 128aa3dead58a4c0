-- Accounts and cards. Balances live in the ledger; this database holds identity, ownership and status.

CREATE TABLE products (
    code            text     PRIMARY KEY,
    name            text     NOT NULL,
    kind            text     NOT NULL CHECK (kind IN ('current', 'savings')),
    currencies      char(3)[] NOT NULL,
    balance_account char(5)  NOT NULL CHECK (balance_account ~ '^[0-9]{5}$'),
    self_service    boolean  NOT NULL DEFAULT true,
    overdraft_limit bigint   NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
    max_per_owner   integer  NOT NULL DEFAULT 10 CHECK (max_per_owner > 0)
);
INSERT INTO products (code, name, kind, currencies, balance_account, self_service, overdraft_limit) VALUES
    ('current', 'Current account', 'current', '{RUB,USD,EUR,CNY}', '40817', true, 0),
    ('savings', 'Savings account', 'savings', '{RUB,USD,EUR}', '42301', true, 0),
    ('current_overdraft', 'Current account with overdraft', 'current', '{RUB}', '40817', false, 5000000);

CREATE SEQUENCE account_serial MINVALUE 1 MAXVALUE 9999999;

CREATE TABLE accounts (
    id           uuid        PRIMARY KEY,
    number       char(20)    NOT NULL UNIQUE CHECK (number ~ '^[0-9]{20}$'),
    owner_id     uuid        NOT NULL,
    product_code text        NOT NULL REFERENCES products (code),
    currency     char(3)     NOT NULL,
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    opened_by    text        NOT NULL,
    opened_at    timestamptz NOT NULL DEFAULT now(),
    closed_at    timestamptz,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX accounts_owner_idx ON accounts (owner_id, opened_at);

CREATE TABLE cards (
    id           uuid        PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id),
    pan_token    char(64)    NOT NULL UNIQUE,
    last4        char(4)     NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    bin          char(6)     NOT NULL,
    expiry_month smallint    NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
    expiry_year  smallint    NOT NULL,
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cards_account_idx ON cards (account_id);
