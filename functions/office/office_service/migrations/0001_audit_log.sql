-- The back office's own data: an append-only audit log of every action an employee takes through office
-- (who, what, on which target, the request id, and how it ended). A row is written as `pending` before the
-- downstream call, so no action happens unrecorded, and completed once with its outcome; after that it
-- can be neither changed nor deleted.

CREATE TABLE audit_log (
    id              uuid PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id        text        NOT NULL,
    actor_roles     text[]      NOT NULL,
    action          text        NOT NULL,
    target_type     text        NOT NULL,
    target_id       text,
    request_id      text,
    idempotency_key text,
    details         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    outcome         text        NOT NULL DEFAULT 'pending'
                                CHECK (outcome IN ('pending', 'succeeded', 'refused', 'failed')),
    status          integer,
    code            text,
    replayed        boolean     NOT NULL DEFAULT false,
    completed_at    timestamptz,
    CHECK ((outcome = 'pending') = (completed_at IS NULL))
);
CREATE INDEX audit_log_recent_idx ON audit_log (occurred_at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, occurred_at DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, occurred_at DESC) WHERE target_id IS NOT NULL;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
