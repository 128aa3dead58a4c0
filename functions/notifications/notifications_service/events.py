"""Events the notifications service publishes and consumes."""

from bank_shared.events.topics import NOTIFICATION_REQUESTED

PUBLISHES = (NOTIFICATION_REQUESTED,)
CONSUMES = (NOTIFICATION_REQUESTED,)
