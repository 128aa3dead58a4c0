-- Deliveries leave the consumer's transaction (issue 16): a mail or a push is queued as a row in the consumer's
-- transaction and claimed ('sending'), sent and marked after the commit, or by the schedule's sweep when that
-- step was lost. The row's id is the delivery's idempotency key: a retry sends the same row, never a new mail.
-- A link mail stores its body with the link redacted and names the link (purpose, id): the token is derived
-- again at send time and never stored.

ALTER TABLE notifications ADD COLUMN link_purpose text CHECK (link_purpose IN ('activation', 'password_reset'));
ALTER TABLE notifications ADD COLUMN link_id uuid;
ALTER TABLE notifications ADD COLUMN claimed_at timestamptz;
ALTER TABLE notifications ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'suppressed'));
CREATE INDEX notifications_unsent_idx ON notifications (created_at) WHERE status IN ('queued', 'sending');
CREATE INDEX notifications_recipient_sending_idx ON notifications (recipient, claimed_at) WHERE status = 'sending';

ALTER TABLE push_deliveries ADD COLUMN payload text;
ALTER TABLE push_deliveries ADD COLUMN claimed_at timestamptz;
ALTER TABLE push_deliveries DROP CONSTRAINT push_deliveries_status_check;
ALTER TABLE push_deliveries ADD CONSTRAINT push_deliveries_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'gone'));
CREATE INDEX push_deliveries_unsent_idx ON push_deliveries (created_at) WHERE status IN ('queued', 'sending');
