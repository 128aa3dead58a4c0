"""The money-moving calls of standing orders: the ledger's same-currency transfer and utilities' payment,
both invoked directly as this service under the occurrence's Idempotency-Key (see occurrences.py), so a
retried or repeated occurrence is a replay at its owner, never a second payment."""

from __future__ import annotations

from typing import Any, Protocol

from accounts_service.settings import get_accounts_settings
from bank_shared.http import Answer, Invoker, ServiceClient


class Payments(Protocol):
    def transfer(self, key: str, body: dict[str, Any]) -> Answer: ...
    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer: ...


class HttpPayments:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._ledger = ServiceClient("ledger", retries=1, invoker=invoker)
        self._utilities = ServiceClient("utilities", retries=1, invoker=invoker)
        self._timeout = get_accounts_settings().payments_timeout_seconds

    def transfer(self, key: str, body: dict[str, Any]) -> Answer:
        return self._ledger.post_with_key("/internal/transfers", key, body, self._timeout)

    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer:
        return self._utilities.post_with_key("/pay", key, body, self._timeout)


_payments: Payments | None = None


def get_payments() -> Payments:
    global _payments
    if _payments is None:
        _payments = HttpPayments()
    return _payments


def set_payments(payments: Payments | None) -> None:
    """Tests swap in a fake (or a client invoking the local stack); None restores the default."""
    global _payments
    _payments = payments
