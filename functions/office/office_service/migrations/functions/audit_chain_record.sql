-- audit_chain_record: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION audit_chain_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('TimeZone', 'UTC', true);  -- the snapshot's timestamps, whatever the session's zone
    PERFORM audit_chain_append(TG_TABLE_NAME, NEW.id, to_jsonb(NEW)::text);
    RETURN NULL;
END;
$$;
