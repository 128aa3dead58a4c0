"""Events of the utilities service.

Published (through the outbox, in the transaction that completes the payment): `utility.paid`, keyed by
the paying account, data: payment_id, provider_id, provider_code, provider_name, category, payer_id,
from_account_id, payer_account, amount, currency, amount_minor, transaction_id, paid_at.
Published (through the outbox, in the transaction of the change): `utility.provider_changed`, keyed by the
provider, data: provider_id, code, name, action, actor_id, reason, changed, active, settlement_account,
ledger_account_id, changed_at (the provider directory's audit trail).
Consumed: none.
"""

from bank_shared.events.topics import UTILITY_PAID, UTILITY_PROVIDER_CHANGED

PUBLISHES = (UTILITY_PAID, UTILITY_PROVIDER_CHANGED)
CONSUMES: tuple[str, ...] = ()
