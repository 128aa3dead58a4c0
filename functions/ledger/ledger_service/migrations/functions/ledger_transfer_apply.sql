-- ledger_transfer_apply: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.
--
-- ledger_transfer_apply(request, wait_for_locks) does, inside the caller's database transaction: the
-- Idempotency-Key in-flight lock and stored-response check, the row locks of both accounts in id order, the
-- account/ownership/currency checks, the available balance and ceiling checks under those locks, the ledger
-- transaction, its two postings, the balance UPDATE (still guarded by the CHECK constraints and the zero-sum
-- trigger), the stored response and the outbox event. Python prepares the response bodies and events (only
-- created_at comes from the database).
--
-- Each check of a transfer is made in one place (docs/money.md, "One copy of each check"): here, every check
-- that reads the accounts, because only here are they locked; at the edge in Python, the shape of the input
-- (a positive amount in minor units with at most the currency's decimals, two different accounts), which is
-- why `r` is trusted to hold them: its one producer is ledger_service.transfers.TransferOrder.
--
-- With wait_for_locks = false a busy account is not waited for: the function raises lock_not_available
-- with the account id as DETAIL (when both are busy: the account that already has a combiner queue), and
-- the caller hands the request to that account's combiner (ledger_transfer_enqueue/_lead).

CREATE OR REPLACE FUNCTION ledger_transfer_apply(r jsonb, wait_for_locks boolean) RETURNS jsonb
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
        -- Both busy: join the account that already has a combiner queue (the hot one), not the other.
        SELECT a.id INTO v_busy FROM ledger_accounts a
         WHERE a.id IN (v_from, v_to) AND a.id <> ALL (coalesce(v_locked, '{}'))
         ORDER BY EXISTS (SELECT 1 FROM ledger_transfer_queue q WHERE q.account_id = a.id AND q.outcome IS NULL)
                  DESC, a.id
         LIMIT 1;
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
    -- The recipient's balance may not pass its ceiling (a refusal the caller may retry later: not stored).
    IF v_target.balance + v_amount > v_target.max_balance THEN
        RETURN jsonb_build_object('error', 'balance_limit_exceeded', 'account_id', v_to);
    END IF;

    INSERT INTO ledger_transactions (id, kind, description, initiated_by, counterparties)
    VALUES (v_tx, 'transfer', r->>'description', r->>'initiated_by', nullif(r->'counterparties', 'null'::jsonb))
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
