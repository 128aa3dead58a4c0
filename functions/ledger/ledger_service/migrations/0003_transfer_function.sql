-- Transfers in one round trip, and batching of transfers that contend for the same (hot) account.
--
-- ledger_transfer_apply(request, wait_for_locks) does, inside the caller's database transaction, exactly
-- what service.transfer did statement by statement: the Idempotency-Key in-flight lock and stored-response
-- check, the row locks of both accounts in id order, the account/ownership/currency checks, the available
-- balance check under those locks, the ledger transaction, its two postings, the balance UPDATE (still
-- guarded by the CHECK constraints and the zero-sum trigger of 0001), the stored response and the outbox
-- event. Python prepares the response bodies and events (only created_at comes from the database).
--
-- With wait_for_locks = false a busy account is not waited for: the function raises lock_not_available
-- with the account id as DETAIL, and the caller hands the request to that account's combiner: requests
-- are queued in ledger_transfer_queue (UNLOGGED: it is only a hand-over, never a record of money), one
-- session holding the account's advisory lock (the leader) applies every queued request in ONE database
-- transaction (ledger_transfer_lead), each still its own ledger transaction with its own key and event,
-- and the waiting sessions read their outcome once that transaction committed. If the leader dies, its
-- transaction rolls back, its requests are pending again and the next waiter becomes the leader.

CREATE FUNCTION ledger_format_timestamp(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    -- the same text as Python's datetime.isoformat() in UTC with 'Z' (no fraction when it is zero)
    SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN extract(microseconds FROM ts)::bigint % 1000000 = 0 THEN ''
                   ELSE to_char(ts AT TIME ZONE 'UTC', '.US') END
           || 'Z'
$$;

CREATE FUNCTION ledger_transfer_apply(r jsonb, wait_for_locks boolean) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_scope    text   := r->>'scope';
    v_key      text   := r->>'key';
    v_from     uuid   := (r->>'from')::uuid;
    v_to       uuid   := (r->>'to')::uuid;
    v_amount   bigint := (r->>'amount')::bigint;
    v_currency text   := r->>'currency';
    v_tx       uuid   := (r->>'transaction_id')::uuid;
    v_stored   record;
    v_source   record;
    v_target   record;
    v_locked   uuid[];
    v_busy     uuid;
    v_created  timestamptz;
    v_text     text;
    v_event    jsonb;
BEGIN
    IF v_amount IS NULL OR v_amount <= 0 OR v_from = v_to THEN
        RAISE EXCEPTION 'invalid transfer request' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Idempotency-Key: the same key while the first request is in flight, a different body, a replay.
    IF NOT pg_try_advisory_xact_lock(hashtextextended(length(v_scope) || ':' || v_scope || '|' || v_key, 0)) THEN
        RETURN jsonb_build_object('error', 'in_flight');
    END IF;
    SELECT request_hash, response_status, response_body INTO v_stored
      FROM idempotency_keys WHERE scope = v_scope AND idempotency_key = v_key;
    IF FOUND THEN
        IF v_stored.request_hash <> r->>'hash' THEN
            RETURN jsonb_build_object('error', 'idempotency_key_reused');
        END IF;
        RETURN jsonb_build_object('status', v_stored.response_status, 'body', v_stored.response_body,
                                  'replayed', true);
    END IF;

    -- Row locks of both accounts, in id order (the fixed lock order).
    IF wait_for_locks THEN
        PERFORM 1 FROM ledger_accounts WHERE id IN (v_from, v_to) ORDER BY id FOR UPDATE;
    ELSE
        SELECT array_agg(id) INTO v_locked FROM (
            SELECT id FROM ledger_accounts WHERE id IN (v_from, v_to) ORDER BY id FOR UPDATE SKIP LOCKED) AS l;
        SELECT id INTO v_busy FROM ledger_accounts
         WHERE id IN (v_from, v_to) AND id <> ALL (coalesce(v_locked, '{}')) ORDER BY id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'ledger account % is busy', v_busy
                USING ERRCODE = 'lock_not_available', DETAIL = v_busy::text;
        END IF;
    END IF;

    SELECT * INTO v_source FROM ledger_accounts WHERE id = v_from;
    IF NOT FOUND OR v_source.kind <> 'customer' THEN
        RETURN jsonb_build_object('error', 'account_not_found', 'account_id', v_from);
    END IF;
    IF v_source.status <> 'active' THEN
        RETURN jsonb_build_object('error', 'account_closed', 'account_id', v_from);
    END IF;
    -- A customer may only debit their own account (anyone else's looks not found).
    IF r->>'owner' IS NOT NULL AND v_source.owner_id::text IS DISTINCT FROM r->>'owner' THEN
        RETURN jsonb_build_object('error', 'account_not_found', 'account_id', v_from);
    END IF;
    SELECT * INTO v_target FROM ledger_accounts WHERE id = v_to;
    IF NOT FOUND OR v_target.kind <> 'customer' THEN
        RETURN jsonb_build_object('error', 'account_not_found', 'account_id', v_to);
    END IF;
    IF v_target.status <> 'active' THEN
        RETURN jsonb_build_object('error', 'account_closed', 'account_id', v_to);
    END IF;
    IF v_source.currency <> v_currency OR v_target.currency <> v_currency THEN
        RETURN jsonb_build_object('error', 'currency_mismatch');
    END IF;

    IF v_source.balance - v_source.held + v_source.overdraft_limit < v_amount THEN
        -- A refusal after acceptance: stored as the key's response and announced as payment.failed.
        v_event := r->'refused_event';
        INSERT INTO outbox (id, topic, message_key, payload)
        VALUES ((v_event->>'id')::uuid, v_event->>'type', v_event->>'subject', v_event);
        INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body)
        VALUES (v_scope, v_key, r->>'hash', (r->'refused_body'->>'status')::int, r->'refused_body');
        RETURN jsonb_build_object('status', (r->'refused_body'->>'status')::int, 'replayed', false);
    END IF;

    INSERT INTO ledger_transactions (id, kind, description, initiated_by)
    VALUES (v_tx, 'transfer', r->>'description', r->>'initiated_by')
    RETURNING created_at INTO v_created;
    INSERT INTO postings (transaction_id, account_id, currency, amount, created_at)
    VALUES (v_tx, v_from, v_currency, -v_amount, v_created), (v_tx, v_to, v_currency, v_amount, v_created);
    UPDATE ledger_accounts SET balance = balance + CASE WHEN id = v_from THEN -v_amount ELSE v_amount END,
                               updated_at = now()
     WHERE id IN (v_from, v_to);

    v_text := ledger_format_timestamp(v_created);
    v_event := jsonb_set(r->'event', '{data,created_at}', to_jsonb(v_text));
    INSERT INTO outbox (id, topic, message_key, payload)
    VALUES ((v_event->>'id')::uuid, v_event->>'type', v_event->>'subject', v_event);
    INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body)
    VALUES (v_scope, v_key, r->>'hash', 201, jsonb_set(r->'body', '{created_at}', to_jsonb(v_text)));
    RETURN jsonb_build_object('status', 201, 'created_at', v_text, 'replayed', false);
END $$;

-- The combiner's hand-over queue. Losing it (crash recovery truncates UNLOGGED tables) loses no money:
-- a request is either applied in the leader's committed transaction (and its key stored) or not at all.
CREATE UNLOGGED TABLE ledger_transfer_queue (
    id          uuid        PRIMARY KEY,
    account_id  uuid        NOT NULL,
    request     jsonb       NOT NULL,
    outcome     jsonb,
    enqueued_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ledger_transfer_queue_pending_idx ON ledger_transfer_queue (account_id, enqueued_at)
    WHERE outcome IS NULL;

CREATE FUNCTION ledger_combiner_lock(p_account uuid) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtextextended('ledger-combiner|' || p_account::text, 0)
$$;

CREATE FUNCTION ledger_combiner_channel(p_account uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'ledger_combiner_' || replace(p_account::text, '-', '')
$$;

-- Queue a request for p_account's leader; true when this session became the leader.
CREATE FUNCTION ledger_transfer_enqueue(p_id uuid, p_account uuid, p_request jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger_transfer_queue (id, account_id, request) VALUES (p_id, p_account, p_request);
    RETURN pg_try_advisory_lock(ledger_combiner_lock(p_account));
END $$;

-- A waiting session: its outcome once committed (the row is removed), else whether it became the leader.
CREATE FUNCTION ledger_transfer_poll(p_id uuid, p_account uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
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

-- The leader (holding ledger_combiner_lock(p_account)): apply up to p_limit queued requests in this one
-- database transaction and return the leader's own outcome (NULL while it is still queued).
CREATE FUNCTION ledger_transfer_lead(p_account uuid, p_own uuid, p_limit int) RETURNS jsonb
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
        DELETE FROM ledger_transfer_queue
         WHERE outcome IS NOT NULL AND enqueued_at < clock_timestamp() - interval '10 minutes';
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

-- The leader steps down and wakes the waiters (one of them becomes the next leader if work is left).
CREATE FUNCTION ledger_transfer_step_down(p_account uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_unlock(ledger_combiner_lock(p_account));
    PERFORM pg_notify(ledger_combiner_channel(p_account), '');
END $$;
