-- Tamper-evident back office (issue 15 item 6): every write to audit_log and money_requests (each insert and
-- each update: an entry completed, a request approved, rejected, executed, expired) appends the row's new
-- state to audit_chain, hash-chained: hash = sha256(prev_hash | table | snapshot), the first prev_hash
-- being 64 zeros. Appends are serialised by one advisory lock, so the chain's order is the commit order.
-- `python -m office_service.verify_audit` (make audit-office) recomputes every hash and checks that each
-- row's current state is its last chained snapshot: an old row edited behind the triggers' back, a row
-- deleted, or a chain entry rewritten is reported. Snapshots are to_jsonb(row)::text, rendered in UTC.

CREATE TABLE audit_chain (
    seq         bigserial PRIMARY KEY,
    table_name  text        NOT NULL CHECK (table_name IN ('audit_log', 'money_requests')),
    row_id      uuid        NOT NULL,
    snapshot    text        NOT NULL,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL UNIQUE
);
CREATE INDEX audit_chain_row_idx ON audit_chain (table_name, row_id, seq DESC);

CREATE FUNCTION audit_chain_append(p_table text, p_row_id uuid, p_snapshot text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    previous text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('office|audit_chain', 0));
    SELECT hash INTO previous FROM audit_chain ORDER BY seq DESC LIMIT 1;
    previous := coalesce(previous, repeat('0', 64));
    INSERT INTO audit_chain (table_name, row_id, snapshot, prev_hash, hash)
    VALUES (p_table, p_row_id, p_snapshot, previous,
            encode(sha256(convert_to(previous || '|' || p_table || '|' || p_snapshot, 'UTF8')), 'hex'));
END;
$$;

CREATE FUNCTION audit_chain_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('TimeZone', 'UTC', true);  -- the snapshot's timestamps, whatever the session's zone
    PERFORM audit_chain_append(TG_TABLE_NAME, NEW.id, to_jsonb(NEW)::text);
    RETURN NULL;
END;
$$;

CREATE FUNCTION audit_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_chain is append-only';
END;
$$;

CREATE TRIGGER audit_log_chain AFTER INSERT OR UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_chain_record();
CREATE TRIGGER money_requests_chain AFTER INSERT OR UPDATE ON money_requests
    FOR EACH ROW EXECUTE FUNCTION audit_chain_record();
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_append_only();

-- The rows written before the chain existed open it, oldest first.
DO $$
DECLARE
    r record;
BEGIN
    PERFORM set_config('TimeZone', 'UTC', true);
    FOR r IN SELECT 'audit_log' AS t, a.id, to_jsonb(a)::text AS s, a.occurred_at AS at FROM audit_log a
             UNION ALL
             SELECT 'money_requests', m.id, to_jsonb(m)::text, m.created_at FROM money_requests m
             ORDER BY at, id LOOP
        PERFORM audit_chain_append(r.t, r.id, r.s);
    END LOOP;
END;
$$;
