-- ledger_format_timestamp: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION ledger_format_timestamp(ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    -- the same text as Python's datetime.isoformat() in UTC with 'Z' (no fraction when it is zero)
    SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN extract(microseconds FROM ts)::bigint % 1000000 = 0 THEN ''
                   ELSE to_char(ts AT TIME ZONE 'UTC', '.US') END
           || 'Z'
$$;
