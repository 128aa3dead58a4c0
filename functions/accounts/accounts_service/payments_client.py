"""The money-moving calls of standing orders: the ledger's same-currency transfer and utilities' payment,
both invoked directly as this service under the occurrence's Idempotency-Key (see occurrences.py), so a
retried or repeated occurrence is a replay at its owner, never a second payment."""

from __future__ import annotations

from typing import Any, Protocol

from accounts_service.settings import payments_timeout
from bank_shared.http import Answer, Invoker, ServiceClient
from bank_shared.swappable import Swappable


class Payments(Protocol):
    def transfer(self, key: str, body: dict[str, Any]) -> Answer: ...
    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer: ...


class HttpPayments:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._ledger = ServiceClient("ledger", retries=1, timeout=payments_timeout, invoker=invoker)
        self._utilities = ServiceClient("utilities", retries=1, timeout=payments_timeout, invoker=invoker)

    def transfer(self, key: str, body: dict[str, Any]) -> Answer:
        return self._ledger.call_with_key("/internal/transfers", key, body)

    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer:
        return self._utilities.call_with_key("/pay", key, body)


# Tests swap in a fake (or a client invoking the local stack); None restores the default.
_payments = Swappable[Payments](HttpPayments)
get_payments, set_payments = _payments.get, _payments.set
