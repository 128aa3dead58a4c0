-- Quotes and their execution. A quote fixes the rate, the bank's spread and both amounts for a short time;
-- executing it claims it (open → executing) before the ledger is asked, and finishes it (executed or refused)
-- afterwards, so a quote moves money at most once and a retry after a lost answer finds the same outcome.

CREATE TABLE fx_quotes (
    id                    uuid          PRIMARY KEY,
    owner_id              uuid          NOT NULL,
    from_account_id       uuid          NOT NULL,
    to_account_id         uuid          NOT NULL,
    sell_currency         char(3)       NOT NULL CHECK (sell_currency ~ '^[A-Z]{3}$'),
    sell_amount           bigint        NOT NULL CHECK (sell_amount > 0),
    buy_currency          char(3)       NOT NULL CHECK (buy_currency ~ '^[A-Z]{3}$'),
    buy_amount            bigint        NOT NULL CHECK (buy_amount > 0),
    fixed_side            text          NOT NULL CHECK (fixed_side IN ('sell', 'buy')),
    mid_rate              numeric(30, 12) NOT NULL CHECK (mid_rate > 0),
    rate                  numeric(30, 12) NOT NULL CHECK (rate > 0),
    spread_bps            integer       NOT NULL CHECK (spread_bps BETWEEN 0 AND 5000),
    rate_date             date          NOT NULL,
    rate_source           text          NOT NULL,
    rate_stale            boolean       NOT NULL,
    status                text          NOT NULL DEFAULT 'open'
                                        CHECK (status IN ('open', 'executing', 'executed', 'refused')),
    expires_at            timestamptz   NOT NULL,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    exchange_key          text,
    claimed_at            timestamptz,
    finished_at           timestamptz,
    ledger_transaction_id uuid,
    result_status         integer,
    result_body           jsonb,
    CHECK (sell_currency <> buy_currency),
    CHECK (from_account_id <> to_account_id),
    CHECK ((status = 'open') = (exchange_key IS NULL)),
    CHECK ((status = 'executed') = (ledger_transaction_id IS NOT NULL)),
    CHECK ((status IN ('executed', 'refused')) = (result_body IS NOT NULL))
);
CREATE INDEX fx_quotes_owner_idx ON fx_quotes (owner_id, created_at DESC);
CREATE INDEX fx_quotes_executing_idx ON fx_quotes (claimed_at) WHERE status = 'executing';
