-- ledger_transfer_lead: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.
--
-- The leader (holding ledger_combiner_lock(p_account)): apply up to p_limit queued requests in this one
-- database transaction and return the leader's own outcome (NULL while it is still queued). Now and then it
-- also drops queue rows nobody will collect any more.

CREATE OR REPLACE FUNCTION ledger_transfer_lead(p_account uuid, p_own uuid, p_limit int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_ids     uuid[];
    v_late    uuid[];
    v_held    uuid[];
    v_item    record;
    v_outcome jsonb;
BEGIN
    -- A request nobody collected for a long time is not applied any more (its client has given up).
    UPDATE ledger_transfer_queue SET outcome = jsonb_build_object('error', 'expired')
     WHERE account_id = p_account AND outcome IS NULL AND enqueued_at < clock_timestamp() - interval '30 seconds';
    IF random() < 0.01 THEN
        -- rows nobody will collect: outcomes of callers that died, requests of accounts nobody leads any more
        DELETE FROM ledger_transfer_queue WHERE enqueued_at < clock_timestamp() - interval '10 minutes';
    END IF;

    SELECT array_agg(id) INTO v_ids FROM (
        SELECT id FROM ledger_transfer_queue WHERE account_id = p_account AND outcome IS NULL
         ORDER BY enqueued_at LIMIT p_limit) AS q;
    IF v_ids IS NOT NULL THEN
        -- Every account of the batch, locked once, in id order (waiting, as a single transfer would).
        SELECT array_agg(id) INTO v_held FROM (
            SELECT id FROM ledger_accounts
             WHERE id IN (SELECT (request->>'from')::uuid FROM ledger_transfer_queue WHERE id = ANY (v_ids)
                          UNION SELECT (request->>'to')::uuid FROM ledger_transfer_queue WHERE id = ANY (v_ids))
             ORDER BY id FOR UPDATE) AS l;
        -- Requests queued while we waited join the batch if their accounts can be locked without waiting
        -- (no waiting here, so taking these out of order cannot deadlock).
        SELECT array_agg(id) INTO v_late FROM (
            SELECT id FROM ledger_transfer_queue
             WHERE account_id = p_account AND outcome IS NULL AND id <> ALL (v_ids)
             ORDER BY enqueued_at LIMIT greatest(p_limit - cardinality(v_ids), 0)) AS q;
        IF v_late IS NOT NULL THEN
            SELECT coalesce(v_held, '{}') || coalesce(array_agg(id), '{}') INTO v_held FROM (
                SELECT id FROM ledger_accounts
                 WHERE id IN (SELECT (request->>'from')::uuid FROM ledger_transfer_queue WHERE id = ANY (v_late)
                              UNION SELECT (request->>'to')::uuid FROM ledger_transfer_queue WHERE id = ANY (v_late))
                 ORDER BY id FOR UPDATE SKIP LOCKED) AS l;
            SELECT v_ids || coalesce(array_agg(id), '{}') INTO v_ids FROM ledger_transfer_queue
             WHERE id = ANY (v_late)
               AND (request->>'from')::uuid = ANY (v_held) AND (request->>'to')::uuid = ANY (v_held);
        END IF;

        FOR v_item IN SELECT id, request FROM ledger_transfer_queue WHERE id = ANY (v_ids) ORDER BY enqueued_at LOOP
            BEGIN  -- a subtransaction per request: one request's unexpected error does not undo the others
                v_outcome := ledger_transfer_apply(v_item.request, true);
            EXCEPTION WHEN OTHERS THEN
                v_outcome := jsonb_build_object('error', 'failed', 'sqlstate', SQLSTATE, 'message', SQLERRM);
            END;
            UPDATE ledger_transfer_queue SET outcome = v_outcome WHERE id = v_item.id;
        END LOOP;
        PERFORM pg_notify(ledger_combiner_channel(p_account), '');
    END IF;

    DELETE FROM ledger_transfer_queue WHERE id = p_own AND outcome IS NOT NULL RETURNING outcome INTO v_outcome;
    IF FOUND THEN
        RETURN v_outcome;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ledger_transfer_queue WHERE id = p_own) THEN
        RETURN jsonb_build_object('error', 'lost');
    END IF;
    RETURN NULL;
END $$;
