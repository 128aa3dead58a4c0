CREATE TABLE notifications (
    id                  uuid PRIMARY KEY,
    channel             text        NOT NULL CHECK (channel IN ('email', 'webpush')),
    recipient           text        NOT NULL,
    subject             text        NOT NULL,
    body                text        NOT NULL,
    status              text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    requested_by        text        NOT NULL,
    provider_message_id text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz
);
