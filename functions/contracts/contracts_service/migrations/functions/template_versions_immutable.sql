-- template_versions_immutable: its only definition. An upgrade re-applies this file whenever it changes
-- (docs/migrations.md); the versioned files that first created it stay as they were applied.
--
-- A published version never changes: corrections are published as a new version.

CREATE OR REPLACE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'template versions are immutable (publish a new version)' USING ERRCODE = 'check_violation';
END $$;
