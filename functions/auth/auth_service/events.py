"""Events the auth service publishes (it consumes none)."""

from bank_shared.events.topics import USER_ACTIVATED, USER_LOCKED, USER_PASSWORD_RESET_REQUESTED, USER_REGISTERED

PUBLISHES = (USER_REGISTERED, USER_ACTIVATED, USER_LOCKED, USER_PASSWORD_RESET_REQUESTED)
CONSUMES: tuple[str, ...] = ()
