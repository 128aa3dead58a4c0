-- Providers managed by admins (issue 15): created, edited, deactivated and reactivated through the API.
--
-- A provider created through the API gets its settlement account number from this sequence
-- (407028109 + 11 digits; the seeded ones use 1..5) and a ledger account registered before the row is written.
-- `updated_at` is the time of the last change. Deactivation keeps the row and its payments (history stays);
-- the pay route refuses an inactive provider (provider_inactive).

CREATE SEQUENCE provider_settlement_seq START WITH 1000;

ALTER TABLE providers ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
