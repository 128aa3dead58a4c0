"""Events the accounts service publishes (through its outbox)."""

from bank_shared.events.topics import ACCOUNT_CLOSED, ACCOUNT_OPENED, CARD_ISSUED, CARD_TOPUP_REFUNDED

PUBLISHES = (ACCOUNT_OPENED, ACCOUNT_CLOSED, CARD_ISSUED, CARD_TOPUP_REFUNDED)
CONSUMES: tuple[str, ...] = ()
