-- audit_log_append_only: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    IF OLD.outcome <> 'pending' OR NEW.id <> OLD.id OR NEW.actor_id <> OLD.actor_id OR NEW.action <> OLD.action
       OR NEW.occurred_at <> OLD.occurred_at THEN
        RAISE EXCEPTION 'audit_log entries are final once completed';
    END IF;
    RETURN NEW;
END;
$$;
