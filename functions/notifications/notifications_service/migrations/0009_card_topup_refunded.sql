-- The inbox kind of a card top-up refunded to its card (accounts' card_topup.refunded; issue 14 item 4).
ALTER TABLE inbox_items DROP CONSTRAINT inbox_items_kind_check;
ALTER TABLE inbox_items ADD CONSTRAINT inbox_items_kind_check CHECK (kind IN (
    'payment_sent', 'payment_received', 'own_transfer', 'fx_exchanged', 'account_opened', 'account_closed',
    'card_issued', 'payment_failed', 'utility_paid', 'contract_signed', 'contract_activated',
    'contract_terminated', 'user_locked', 'password_changed', 'card_topup_refunded'));
