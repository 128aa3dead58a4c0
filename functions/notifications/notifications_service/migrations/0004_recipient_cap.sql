-- Mails over a recipient's hourly cap are kept as `suppressed` (never sent); the cap counts what was sent to
-- an address in the last hour, by this index.

ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('queued', 'sent', 'failed', 'suppressed'));
CREATE INDEX notifications_recipient_sent_idx ON notifications (recipient, sent_at) WHERE status = 'sent';
