-- ledger_combiner_channel: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION ledger_combiner_channel(p_account uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'ledger_combiner_' || replace(p_account::text, '-', '')
$$;
