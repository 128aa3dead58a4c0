"""What the accounts function does on its one-minute schedule (before the shared outbox sweep): release expired
card authorizations and settle half-done ones (docs/cards.md), pay the standing orders due as of the scheduled
event's moment (bank_shared.schedule_clock, docs/products.md), settle card top-ups whose outcome did not arrive by
webhook (docs/payments.md), accrue and capitalize savings interest for days
that have really ended."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from accounts_service import card_settlement, card_topups, savings, standing_orders
from accounts_service.interest_client import get_interest_ledger
from accounts_service.payments_client import get_payments
from bank_shared import schedule_clock


def pay_standing_orders() -> dict[str, Any]:
    return standing_orders.sweep(get_payments(), schedule_clock.now().date())


def settle_card_topups() -> dict[str, int]:
    # As of the scheduled moment: a test can run the schedule "later" to reach top-ups still pending now.
    return card_topups.sweep(schedule_clock.now())


def savings_interest() -> dict[str, int]:
    # The real clock, never a simulated one: interest is due only on days that have really ended.
    return savings.sweep(get_interest_ledger(), datetime.now(UTC).date())


SCHEDULED_TASKS: dict[str, Callable[[], Any]] = {
    "card_authorizations": card_settlement.sweep,
    "standing_orders": pay_standing_orders,
    "card_topups": settle_card_topups,
    "savings_interest": savings_interest,
}
