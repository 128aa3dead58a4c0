-- The double-entry ledger. Rules the database itself enforces (not only Python):
--   * every ledger transaction's postings sum to zero per currency (deferred constraint trigger);
--   * postings and transactions are immutable: UPDATE/DELETE/TRUNCATE are refused (corrections are reversals);
--   * a posting's currency is its account's currency (composite foreign key);
--   * balance >= -overdraft_limit and balance - held >= -overdraft_limit unless the account may go negative
--     (system contra accounts such as cash and issuance).
-- Amounts are BIGINT minor units; currency exponents come from the currencies table.

CREATE TABLE currencies (
    code     char(3)  PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    exponent smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4)
);
INSERT INTO currencies (code, exponent) VALUES
    ('RUB', 2),
    ('USD', 2),
    ('EUR', 2),
    ('GBP', 2),
    ('CHF', 2),
    ('CNY', 2),
    ('JPY', 0),
    ('KRW', 0),
    ('AUD', 2),
    ('CAD', 2),
    ('CZK', 2),
    ('DKK', 2),
    ('HKD', 2),
    ('HUF', 2),
    ('IDR', 2),
    ('ILS', 2),
    ('INR', 2),
    ('ISK', 0),
    ('MXN', 2),
    ('MYR', 2),
    ('NOK', 2),
    ('NZD', 2),
    ('PHP', 2),
    ('PLN', 2),
    ('RON', 2),
    ('SEK', 2),
    ('SGD', 2),
    ('THB', 2),
    ('TRY', 2),
    ('ZAR', 2),
    ('BRL', 2),
    ('BGN', 2),
    ('KZT', 2),
    ('AMD', 2),
    ('BYN', 2),
    ('KWD', 3),
    ('BHD', 3);

CREATE TABLE ledger_accounts (
    id              uuid        PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('customer', 'system')),
    system_code     text        UNIQUE,
    owner_id        uuid,
    currency        char(3)     NOT NULL REFERENCES currencies (code),
    balance         bigint      NOT NULL DEFAULT 0,
    held            bigint      NOT NULL DEFAULT 0 CHECK (held >= 0),
    overdraft_limit bigint      NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
    allow_negative  boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, currency),
    CONSTRAINT balance_within_limit CHECK (allow_negative OR balance >= -overdraft_limit),
    CONSTRAINT available_within_limit CHECK (allow_negative OR balance - held >= -overdraft_limit),
    CONSTRAINT system_or_owned CHECK ((kind = 'system') = (system_code IS NOT NULL)
                                      AND (kind = 'customer') = (owner_id IS NOT NULL))
);
CREATE INDEX ledger_accounts_owner_idx ON ledger_accounts (owner_id) WHERE owner_id IS NOT NULL;

-- System accounts per currency: the cash desk, incoming-payment settlement, issuance (explicit creation of
-- money, e.g. opening balances), FX position and provider clearing. They may go negative (contra accounts).
INSERT INTO ledger_accounts (id, kind, system_code, currency, allow_negative)
SELECT gen_random_uuid(), 'system', k.kind || ':' || c.code, c.code, true
FROM currencies c CROSS JOIN (VALUES ('cash'), ('settlement'), ('issuance'), ('fx_position'),
                                     ('provider_clearing')) AS k (kind);

CREATE TABLE ledger_transactions (
    id           uuid        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('issuance', 'topup', 'transfer', 'hold_capture', 'reversal')),
    description  text        NOT NULL DEFAULT '',
    initiated_by text        NOT NULL,
    reverses     uuid        REFERENCES ledger_transactions (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE postings (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id uuid        NOT NULL REFERENCES ledger_transactions (id),
    account_id     uuid        NOT NULL,
    currency       char(3)     NOT NULL,
    amount         bigint      NOT NULL CHECK (amount <> 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
);
CREATE INDEX postings_transaction_idx ON postings (transaction_id);
CREATE INDEX postings_account_idx ON postings (account_id, created_at DESC, id DESC);

CREATE FUNCTION ledger_check_zero_sum() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT currency, sum(amount) AS total INTO unbalanced
    FROM postings WHERE transaction_id = NEW.transaction_id
    GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance in % (sum %)',
            NEW.transaction_id, unbalanced.currency, unbalanced.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER postings_zero_sum
    AFTER INSERT ON postings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_zero_sum();

CREATE FUNCTION ledger_check_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM postings WHERE transaction_id = NEW.id) < 2 THEN
        RAISE EXCEPTION 'ledger transaction % has fewer than two postings', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_transactions_have_postings
    AFTER INSERT ON ledger_transactions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_has_postings();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (post a reversal instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER postings_immutable BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER postings_no_truncate BEFORE TRUNCATE ON postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Holds reserve available balance (held) until captured (posted), voided or expired.
CREATE TABLE holds (
    id             uuid        PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES ledger_accounts (id),
    amount         bigint      NOT NULL CHECK (amount > 0),
    currency       char(3)     NOT NULL,
    status         text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'captured', 'voided', 'expired')),
    description    text        NOT NULL DEFAULT '',
    created_by     text        NOT NULL,
    expires_at     timestamptz NOT NULL,
    transaction_id uuid        REFERENCES ledger_transactions (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (account_id, currency) REFERENCES ledger_accounts (id, currency)
);
CREATE INDEX holds_pending_expiry_idx ON holds (expires_at) WHERE status = 'pending';
CREATE INDEX holds_account_idx ON holds (account_id);
