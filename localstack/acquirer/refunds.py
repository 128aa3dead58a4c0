"""Refunds of captured payments, shaped as YooKassa's (``POST /v3/refunds``, ``GET /v3/refunds/{id}``, ``GET
/v3/refunds?payment_id=``): the shop asks under an ``Idempotence-Key`` for ``{payment_id, amount: {value,
currency}, description}``; a refund of a succeeded payment succeeds at once (the stand-in has no issuer delay)
and the shop gets a signed ``refund.succeeded`` webhook. The refunds of a payment never add up to more than it
captured: the excess is refused 400 ``invalid_request``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass
class Refund:
    id: str
    payment_id: str
    amount: str
    currency: str
    description: str
    status: str = "succeeded"
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat().replace("+00:00", "Z"))

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "payment_id": self.payment_id, "status": self.status,
                "amount": {"value": self.amount, "currency": self.currency}, "description": self.description,
                "created_at": self.created_at}


def refund_value(body: dict[str, Any]) -> tuple[str, str, Decimal]:
    """The requested refund's payment id, currency and amount (400 material when absent or not positive)."""
    amount = body.get("amount") or {}
    payment_id, currency = str(body.get("payment_id", "")), str(amount.get("currency", ""))
    try:
        value = Decimal(str(amount.get("value", "")))
    except InvalidOperation:
        value = Decimal(0)
    if not payment_id or len(currency) != 3 or not value.is_finite() or value <= 0:
        raise ValueError("payment_id, amount.value (positive) and amount.currency are required")
    return payment_id, currency, value


def refunded(refunds: list[Refund]) -> Decimal:
    return sum((Decimal(refund.amount) for refund in refunds if refund.status == "succeeded"), Decimal(0))
