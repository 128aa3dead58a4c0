-- Per kind of notice, which channels are on (`{"<kind>": {"email": false, "inbox": true}}`); a kind or channel
-- not named is on. Security notices (user_locked, password_changed) and one-time-link mails are always sent.
ALTER TABLE user_preferences ADD COLUMN channels jsonb NOT NULL DEFAULT '{}'::jsonb;
