"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule).

On its schedule the function also releases expired card authorizations and settles half-done ones
(card_settlement.sweep, docs/cards.md), pays the standing orders due (standing_orders.sweep) and accrues and
capitalizes savings interest (savings.sweep, docs/products.md) and settles card top-ups whose outcome did not
arrive by webhook (card_topups.sweep, docs/payments.md). Standing orders run as of the scheduled event's
time (bank_shared.schedule_clock); interest only on days that have really ended."""

from datetime import UTC, datetime
from typing import Any

from accounts_service import card_settlement, card_topups, savings, standing_orders
from accounts_service.api import app
from accounts_service.interest_client import get_interest_ledger
from accounts_service.payments_client import get_payments
from accounts_service.settings import get_accounts_settings
from bank_shared import schedule_clock
from bank_shared.app import lambda_entrypoint


def pay_standing_orders() -> dict[str, Any]:
    return standing_orders.sweep(get_payments(), schedule_clock.now().date())


def settle_card_topups() -> dict[str, int]:
    # As of the scheduled moment: a test can run the schedule "later" to reach top-ups still pending now.
    return card_topups.sweep(schedule_clock.now())


def savings_interest() -> dict[str, int]:
    # The real clock, never a simulated one: interest is due only on days that have really ended.
    return savings.sweep(get_interest_ledger(), datetime.now(UTC).date())


_dispatch = lambda_entrypoint(app, scheduled_tasks={"card_authorizations": card_settlement.sweep,
                                                    "standing_orders": pay_standing_orders,
                                                    "card_topups": settle_card_topups,
                                                    "savings_interest": savings_interest},
                              prewarm=[get_accounts_settings])


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    if event.get("detail-type") != "Scheduled Event":
        return _dispatch(event, context)
    with schedule_clock.scheduled_at(event):
        return _dispatch(event, context)
