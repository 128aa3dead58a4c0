"""Events the contracts service publishes (through its outbox)."""

from bank_shared.events.topics import CONTRACT_ACTIVATED, CONTRACT_SIGNED, CONTRACT_TERMINATED

PUBLISHES = (CONTRACT_SIGNED, CONTRACT_ACTIVATED, CONTRACT_TERMINATED)
CONSUMES: tuple[str, ...] = ()
