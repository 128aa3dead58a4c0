-- Refunds of card top-ups the ledger refused (issue 14 item 4; docs/payments.md "Money in"): a paid top-up whose
-- credit the ledger refused for good (the account closed meanwhile, a balance ceiling, …) moves to refunding, the
-- acquirer is asked to refund the card under a key derived from the top-up, and the top-up is refunded with the
-- acquirer's refund id. The sweep finishes refunds left half-done, so it looks at refunding rows too.
ALTER TABLE card_topups DROP CONSTRAINT card_topups_status_check;
ALTER TABLE card_topups ADD CONSTRAINT card_topups_status_check
    CHECK (status IN ('creating', 'pending', 'succeeded', 'failed', 'refunding', 'refunded'));
ALTER TABLE card_topups ADD COLUMN refund_id text;
DROP INDEX card_topups_open;
CREATE INDEX card_topups_open ON card_topups (created_at) WHERE status IN ('creating', 'pending', 'refunding');
