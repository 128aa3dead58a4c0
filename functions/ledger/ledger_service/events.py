"""Events the ledger publishes (through its outbox) and consumes."""

from bank_shared.events.topics import PAYMENT_EXECUTED, PAYMENT_FAILED

PUBLISHES = (PAYMENT_EXECUTED, PAYMENT_FAILED)
# Ledger accounts are registered by a synchronous, idempotent internal call from accounts (before the
# account is committed there), so the ledger consumes no account events: a top-up right after an account
# is opened can never find the ledger account missing.
CONSUMES: tuple[str, ...] = ()
