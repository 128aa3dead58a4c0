-- ledger_transfer_poll: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.
--
-- A waiting session: its outcome once committed (the row is removed), else whether it became the leader.

CREATE OR REPLACE FUNCTION ledger_transfer_poll(p_id uuid, p_account uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_outcome jsonb;
BEGIN
    DELETE FROM ledger_transfer_queue WHERE id = p_id AND outcome IS NOT NULL RETURNING outcome INTO v_outcome;
    IF FOUND THEN
        RETURN jsonb_build_object('outcome', v_outcome);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ledger_transfer_queue WHERE id = p_id) THEN
        RETURN jsonb_build_object('outcome', jsonb_build_object('error', 'lost'));
    END IF;
    RETURN jsonb_build_object('leader', pg_try_advisory_lock(ledger_combiner_lock(p_account)));
END $$;
