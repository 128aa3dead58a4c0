-- Contract templates with immutable published versions, contracts pinned to one version, and the
-- contracts' status history. The rendered text is kept here and as a document in the statements bucket.

CREATE TABLE contract_templates (
    id           uuid        PRIMARY KEY,
    code         text        NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{1,49}$'),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    self_service boolean     NOT NULL DEFAULT false,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE template_versions (
    template_id    uuid        NOT NULL REFERENCES contract_templates (id),
    version        integer     NOT NULL CHECK (version > 0),
    title          text        NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body           text        NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    effective_from date        NOT NULL,
    published_by   text        NOT NULL,
    published_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version)
);

-- A published version never changes: corrections are published as a new version.
CREATE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'template versions are immutable (publish a new version)' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER template_versions_immutable BEFORE UPDATE OR DELETE ON template_versions
    FOR EACH ROW EXECUTE FUNCTION template_versions_immutable();

CREATE SEQUENCE contract_serial MINVALUE 1;

CREATE TABLE contracts (
    id                 uuid        PRIMARY KEY,
    number             text        NOT NULL UNIQUE,
    customer_id        uuid        NOT NULL,
    template_id        uuid        NOT NULL,
    version            integer     NOT NULL,
    title              text        NOT NULL,
    rendered_text      text        NOT NULL,
    document_key       text        NOT NULL,
    document_sha256    char(64)    NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    status             text        NOT NULL DEFAULT 'draft'
                                   CHECK (status IN ('draft', 'signed', 'active', 'terminated')),
    created_by         text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    signed_at          timestamptz,
    activated_at       timestamptz,
    terminated_at      timestamptz,
    termination_reason text,
    FOREIGN KEY (template_id, version) REFERENCES template_versions (template_id, version),
    CHECK ((status = 'terminated') = (terminated_at IS NOT NULL AND termination_reason IS NOT NULL)),
    CHECK (status <> 'active' OR (signed_at IS NOT NULL AND activated_at IS NOT NULL))
);
CREATE INDEX contracts_customer_idx ON contracts (customer_id, created_at DESC, id DESC);
CREATE INDEX contracts_created_idx ON contracts (created_at DESC, id DESC);

CREATE TABLE contract_status_history (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id uuid        NOT NULL REFERENCES contracts (id),
    from_status text        CHECK (from_status IN ('draft', 'signed', 'active', 'terminated')),
    to_status   text        NOT NULL CHECK (to_status IN ('draft', 'signed', 'active', 'terminated')),
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    reason      text
);
CREATE INDEX contract_status_history_contract_idx ON contract_status_history (contract_id, id);
