-- Web push (RFC 8030/8291/8292): each browser subscription a user registered (the push service's endpoint, a
-- capability URL, and the browser's P-256 key and auth secret that encrypt the payload), and one row per
-- (event, subscription, kind) pushed, so a redelivered or replayed event pushes once.

CREATE TABLE push_subscriptions (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL,
    endpoint   text        NOT NULL UNIQUE CHECK (length(endpoint) <= 2048),
    p256dh     text        NOT NULL,
    auth       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id, created_at);

CREATE TABLE push_deliveries (
    source_event_id text        NOT NULL,
    subscription_id uuid        NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    kind            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('sent', 'failed', 'gone')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_event_id, subscription_id, kind)
);
