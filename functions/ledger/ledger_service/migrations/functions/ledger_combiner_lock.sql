-- ledger_combiner_lock: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION ledger_combiner_lock(p_account uuid) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtextextended('ledger-combiner|' || p_account::text, 0)
$$;
