-- Users, one-time tokens (activation / password reset), refresh-token families and OAuth2 clients.
-- Every secret a client presents (tokens, client secrets) is stored only as a hash.

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    email            text        NOT NULL,
    password_hash    text        NOT NULL,
    full_name        text        NOT NULL,
    phone            text,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'active', 'disabled')),
    roles            text[]      NOT NULL DEFAULT ARRAY['customer']::text[],
    mfa_enabled      boolean     NOT NULL DEFAULT false,
    mfa_secret       text,
    mfa_pending_secret text,
    mfa_last_step    bigint,
    locked_until     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (email = lower(email)),
    CHECK (roles <@ ARRAY['customer', 'employee', 'admin']::text[] AND cardinality(roles) > 0),
    CHECK (NOT mfa_enabled OR mfa_secret IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE one_time_tokens (
    token_hash  text PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text        NOT NULL CHECK (purpose IN ('activation', 'password_reset')),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL;

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    token_hash  text        NOT NULL UNIQUE,
    family_id   uuid        NOT NULL,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE oauth_clients (
    client_id    text PRIMARY KEY,
    secret_hash  text        NOT NULL,
    roles        text[]      NOT NULL DEFAULT ARRAY['service']::text[],
    enabled      boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
