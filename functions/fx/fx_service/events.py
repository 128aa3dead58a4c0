"""Events the fx service publishes (through its outbox) and consumes.

Published, in the transaction that completes an exchange: `fx.exchanged`, keyed by the paying account
(see `exchange.py`). Consumed: none (quotes and exchanges are synchronous calls).
"""

from bank_shared.events.topics import FX_EXCHANGED

PUBLISHES = (FX_EXCHANGED,)
CONSUMES: tuple[str, ...] = ()
