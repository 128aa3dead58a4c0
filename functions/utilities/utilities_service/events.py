"""Events of the utilities service.

Published (through the outbox, in the transaction that completes the payment): `utility.paid`, keyed by
the paying account, data: payment_id, provider_id, provider_code, provider_name, category, payer_id,
from_account_id, payer_account, amount, currency, amount_minor, transaction_id, paid_at.
Consumed: none.
"""

from bank_shared.events.topics import UTILITY_PAID

PUBLISHES = (UTILITY_PAID,)
CONSUMES: tuple[str, ...] = ()
