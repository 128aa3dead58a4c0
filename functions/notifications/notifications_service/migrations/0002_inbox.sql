-- The in-app inbox: one entry per user per thing that happened to their money (payment.executed: the payer's
-- and the payee's; fx.exchanged: the customer's). An entry is written once per (event, user, kind): the
-- consumer's processed-event row already makes an event apply once, the unique key makes it structural.

CREATE TABLE inbox_items (
    id              uuid        PRIMARY KEY,
    user_id         uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('payment_sent', 'payment_received', 'own_transfer',
                                                         'fx_exchanged')),
    title           text        NOT NULL,
    body            text        NOT NULL,
    data            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    source_event_id text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz,
    UNIQUE (source_event_id, user_id, kind)
);
-- Newest first per user (cursor: created_at, id), and the unread count.
CREATE INDEX inbox_items_user_idx ON inbox_items (user_id, created_at DESC, id DESC);
CREATE INDEX inbox_items_unread_idx ON inbox_items (user_id) WHERE read_at IS NULL;
