"""What card spending asks of other services, as small interfaces with implementations that invoke them directly:

* ledger `POST /internal/holds`, `/internal/holds/{id}/capture`, `/internal/holds/{id}/void`, `GET
  /internal/holds/{id}`: each under an Idempotency-Key derived from the authorization, so a repeated network
  message or a retry never holds, captures or voids twice;
* fx `GET /rates/latest`: the reference rate a foreign-currency purchase converts at (plus the card markup).

Outages raise DependencyUnavailable; the ledger's refusals come back as its answer. Tests swap in fakes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Protocol
from uuid import UUID

from accounts_service.settings import ledger_timeout
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Invoker, ServiceClient
from bank_shared.ledger_holds import HoldCalls, HttpHoldCalls
from bank_shared.swappable import Swappable


class CardLedger(HoldCalls, Protocol):
    def hold_status(self, hold_id: UUID) -> str: ...


class Rates(Protocol):
    def mid_rate(self, base: str, symbol: str) -> Decimal | None:
        """1 `base` in `symbol`, or None when no rate is published for the pair."""
        ...


class HttpCardLedger(HttpHoldCalls):
    def __init__(self, invoker: Invoker | None = None) -> None:
        super().__init__(ServiceClient("ledger", retries=1, timeout=ledger_timeout, invoker=invoker))

    def hold_status(self, hold_id: UUID) -> str:
        """pending, captured, voided, expired; or missing when the ledger has no such hold (nothing is held)."""
        hold = self._client.find(f"/internal/holds/{hold_id}")
        return "missing" if hold is None else str(hold["status"])


class HttpRates:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("fx", retries=1, timeout=ledger_timeout, invoker=invoker)

    def mid_rate(self, base: str, symbol: str) -> Decimal | None:
        answer = self._client.call("GET", "/rates/latest", params=[("base", base), ("symbols", symbol)])
        if answer.status in (400, 404, 422):
            return None  # a currency fx does not quote
        if not answer.ok:
            raise DependencyUnavailable(f"fx answered {answer.status}", dependency="fx")
        try:
            rate = Decimal(str(answer.body["rates"][symbol]))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None
        return rate if rate > 0 else None


_ledger = Swappable[CardLedger](HttpCardLedger)
_rates = Swappable[Rates](HttpRates)
card_ledger, rates = _ledger.get, _rates.get


def set_card_clients(ledger: CardLedger | None, rate_source: Rates | None) -> None:
    """Tests swap the clients (fakes); None restores the direct-invoke ones on next use."""
    _ledger.set(ledger)
    _rates.set(rate_source)
