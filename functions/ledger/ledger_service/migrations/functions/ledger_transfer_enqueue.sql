-- ledger_transfer_enqueue: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.
--
-- Queue a request for p_account's leader; true when this session became the leader.

CREATE OR REPLACE FUNCTION ledger_transfer_enqueue(p_id uuid, p_account uuid, p_request jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_transfer_queue (id, account_id, request) VALUES (p_id, p_account, p_request);
    RETURN pg_try_advisory_lock(ledger_combiner_lock(p_account));
END $$;
