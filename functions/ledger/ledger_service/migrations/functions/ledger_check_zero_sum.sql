-- ledger_check_zero_sum: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION ledger_check_zero_sum() RETURNS trigger LANGUAGE plpgsql AS $$
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
