-- A hard ceiling on every balance, so no sequence of postings can overflow the 64-bit balance column (F3:
-- about 80 top-ups of 999 999 999 999 999.99 RUB would have). Enforced by the database on every write:
--   * customer accounts: balance <= max_balance (10^15 minor units by default, e.g. 10 trillion RUB, far
--     above any real account; staff limits in office are the business limits, this is the safety net);
--   * system (contra) accounts may go negative, but not below -4 * 10^18, and not above 4 * 10^18;
--   so balance + any single posting stays far inside bigint.
-- The constraints are NOT VALID: they hold for every row written from now on without refusing to migrate a
-- database that already holds a balance above the ceiling (that account must be corrected by a reversal).
--
-- Also: who approved a staff operation (maker-checker in office) is recorded on its ledger transaction, and
-- a transaction can be reversed at most once (a unique index on `reverses`).
-- ledger_transfer_apply (migrations/functions/) refuses a transfer that would lift the recipient above its
-- ceiling (`balance_limit_exceeded`) instead of failing on the constraint.

ALTER TABLE ledger_accounts ADD COLUMN max_balance bigint NOT NULL DEFAULT 1000000000000000
    CONSTRAINT max_balance_range CHECK (max_balance > 0 AND max_balance <= 4000000000000000000);
UPDATE ledger_accounts SET max_balance = 4000000000000000000 WHERE kind = 'system';
ALTER TABLE ledger_accounts ADD CONSTRAINT balance_within_maximum CHECK (balance <= max_balance) NOT VALID;
ALTER TABLE ledger_accounts ADD CONSTRAINT balance_within_floor CHECK (balance >= -4000000000000000000) NOT VALID;

ALTER TABLE ledger_transactions ADD COLUMN approved_by text;
CREATE UNIQUE INDEX ledger_transactions_reversed_once ON ledger_transactions (reverses) WHERE reverses IS NOT NULL;
