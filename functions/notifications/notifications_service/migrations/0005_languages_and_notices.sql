-- The customer's language for mails and inbox texts (ru by default; the SPA's language switch sets it), and the
-- inbox kinds of the events notifications now reads (accounts, cards, payments refused, utility receipts,
-- contracts, security notices).

CREATE TABLE user_preferences (
    user_id    uuid        PRIMARY KEY,
    language   text        NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE inbox_items DROP CONSTRAINT inbox_items_kind_check;
ALTER TABLE inbox_items ADD CONSTRAINT inbox_items_kind_check CHECK (kind IN (
    'payment_sent', 'payment_received', 'own_transfer', 'fx_exchanged', 'account_opened', 'account_closed',
    'card_issued', 'payment_failed', 'utility_paid', 'contract_signed', 'contract_activated',
    'contract_terminated', 'user_locked', 'password_changed'));
