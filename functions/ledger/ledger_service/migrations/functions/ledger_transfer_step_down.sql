-- ledger_transfer_step_down: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.
--
-- The leader steps down and wakes the waiters (one of them becomes the next leader if work is left).

CREATE OR REPLACE FUNCTION ledger_transfer_step_down(p_account uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_unlock(ledger_combiner_lock(p_account));
    PERFORM pg_notify(ledger_combiner_channel(p_account), '');
END $$;
