-- Card spending (docs/cards.md): the limits a customer or staff set on a card, and every authorization the
-- card network sent with what became of it (hold, clearing, reversal, expiry). Amounts are minor units.

CREATE TABLE card_limits (
    card_id        uuid        PRIMARY KEY REFERENCES cards (id),
    per_purchase   bigint      CHECK (per_purchase >= 0),   -- NULL: no limit (the account's currency)
    daily          bigint      CHECK (daily >= 0),
    monthly        bigint      CHECK (monthly >= 0),
    online_enabled boolean     NOT NULL DEFAULT true,
    cash_enabled   boolean     NOT NULL DEFAULT true,
    updated_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE card_authorizations (
    id                 uuid        PRIMARY KEY,
    rrn                text        NOT NULL UNIQUE CHECK (rrn ~ '^[0-9A-Za-z]{12}$'),
    stan               char(6)     NOT NULL CHECK (stan ~ '^[0-9]{6}$'),
    card_id            uuid        NOT NULL REFERENCES cards (id),
    account_id         uuid        NOT NULL REFERENCES accounts (id),
    channel            text        NOT NULL CHECK (channel IN ('pos', 'online', 'atm')),
    mcc                char(4)     NOT NULL CHECK (mcc ~ '^[0-9]{4}$'),
    merchant_name      text        NOT NULL,
    merchant_city      text        NOT NULL DEFAULT '',
    merchant_country   text        NOT NULL DEFAULT '',
    amount             bigint      NOT NULL CHECK (amount > 0),          -- in the transaction's currency
    currency           char(3)     NOT NULL,
    billed_amount      bigint      NOT NULL CHECK (billed_amount > 0),   -- in the account's currency
    billed_currency    char(3)     NOT NULL,
    rate               numeric     NOT NULL CHECK (rate > 0),            -- billed per transaction unit
    status             text        NOT NULL
        CHECK (status IN ('holding', 'approved', 'declined', 'cleared', 'reversed', 'expired')),
    response_code      char(2),
    decline_reason     text,
    auth_code          char(6),
    hold_id            uuid,
    cleared_amount     bigint      CHECK (cleared_amount > 0),           -- in the account's currency
    transaction_id     uuid,
    expires_at         timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'approved' OR (hold_id IS NOT NULL AND auth_code IS NOT NULL)),
    CHECK (status <> 'cleared' OR (cleared_amount IS NOT NULL AND transaction_id IS NOT NULL))
);
CREATE INDEX card_authorizations_card_idx ON card_authorizations (card_id, created_at);
CREATE INDEX card_authorizations_open_idx ON card_authorizations (expires_at) WHERE status IN ('holding', 'approved');
