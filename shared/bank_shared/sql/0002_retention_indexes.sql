-- Indexes the scheduled retention (bank_shared/retention.py) prunes by: relayed outbox rows by relay time,
-- processed events by processing time, stored Idempotency-Key responses by age.

CREATE INDEX IF NOT EXISTS outbox_relayed_idx ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS processed_events_age_idx ON processed_events (processed_at);
CREATE INDEX IF NOT EXISTS idempotency_keys_age_idx ON idempotency_keys (created_at);
