-- Currency exchange: one ledger transaction of kind 'exchange' with four postings, two per currency,
-- through the bank's fx_position:<currency> system accounts, so each currency still sums to zero (the
-- zero-sum trigger checks that per currency already). The quote's rate and both amounts are recorded
-- next to the transaction; one exchange per fx quote, enforced here as well as in fx.

ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('issuance', 'topup', 'transfer', 'hold_capture', 'reversal', 'exchange'));

CREATE TABLE exchange_details (
    transaction_id  uuid          PRIMARY KEY REFERENCES ledger_transactions (id),
    quote_id        uuid          NOT NULL UNIQUE,
    rate            numeric(30, 12) NOT NULL CHECK (rate > 0),
    sell_currency   char(3)       NOT NULL REFERENCES currencies (code),
    sell_amount     bigint        NOT NULL CHECK (sell_amount > 0),
    buy_currency    char(3)       NOT NULL REFERENCES currencies (code),
    buy_amount      bigint        NOT NULL CHECK (buy_amount > 0),
    created_at      timestamptz   NOT NULL DEFAULT now(),
    CHECK (sell_currency <> buy_currency)
);

CREATE TRIGGER exchange_details_immutable BEFORE UPDATE OR DELETE ON exchange_details
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
