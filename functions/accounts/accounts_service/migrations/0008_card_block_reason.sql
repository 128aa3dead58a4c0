-- Why a card is blocked (issue 14): lost, stolen, suspicious activity or another reason, as its owner (or
-- staff) said when blocking it; NULL while the card is active, and for blocks made before this migration or
-- by callers that gave none. A card reported lost or stolen stays blocked for its owner: only staff (the back
-- office) may unblock it.
ALTER TABLE cards
    ADD COLUMN block_reason text CHECK (block_reason IN ('lost', 'stolen', 'suspicious', 'other'));
