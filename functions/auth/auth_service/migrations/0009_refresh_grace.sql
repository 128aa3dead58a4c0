-- Refresh-token grace window (issue 14): a reload or a second tab racing an in-flight refresh presents the
-- token that refresh has just rotated. Each token records the token it was rotated from (parent_id), and a
-- rotated token records when it was accepted once more inside the grace window (grace_used_at), so the
-- immediately previous token of a family is honoured at most once and only while none of its successors has
-- been rotated; anything else is reuse and revokes the family.
ALTER TABLE refresh_tokens
    ADD COLUMN parent_id     uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    ADD COLUMN grace_used_at timestamptz;
CREATE INDEX refresh_tokens_parent_idx ON refresh_tokens (parent_id) WHERE parent_id IS NOT NULL;
