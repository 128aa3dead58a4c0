-- ledger_refuse_change: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.

CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (post a reversal instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
