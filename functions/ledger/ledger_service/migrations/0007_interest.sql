-- Interest on savings (issue 17 item 3; docs/products.md): the bank's interest expense and the accrued-interest
-- liability, one pair per currency, and a transaction kind for their postings.
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('issuance', 'topup', 'transfer', 'hold_capture', 'reversal', 'exchange', 'interest'));

INSERT INTO ledger_accounts (id, kind, system_code, currency, allow_negative)
SELECT gen_random_uuid(), 'system', k.kind || ':' || c.code, c.code, true
FROM currencies c CROSS JOIN (VALUES ('interest_expense'), ('accrued_interest')) AS k (kind)
ON CONFLICT (system_code) DO NOTHING;
