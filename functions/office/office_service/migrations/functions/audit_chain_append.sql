-- audit_chain_append: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION audit_chain_append(p_table text, p_row_id uuid, p_snapshot text) RETURNS void
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
