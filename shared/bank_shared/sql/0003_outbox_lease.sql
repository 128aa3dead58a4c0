-- The outbox relay leases the rows it is about to publish instead of holding their row locks while it talks to
-- Kafka (no network call inside a database transaction): a row is claimed by setting leased_until in one short
-- transaction, published with no transaction open, then marked published (or released) in another. A relay
-- that dies mid-publish leaves a lease that simply runs out; the sweeper then publishes the row again
-- (at least once, as before: consumers deduplicate by event id).

ALTER TABLE outbox ADD COLUMN IF NOT EXISTS leased_until timestamptz;
