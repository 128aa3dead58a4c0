"""What card spending asks of other services, as small interfaces with implementations that invoke them directly:

* ledger `POST /internal/holds`, `/internal/holds/{id}/capture`, `/internal/holds/{id}/void`, `GET
  /internal/holds/{id}`: each under an Idempotency-Key derived from the authorization, so a repeated network
  message or a retry never holds, captures or voids twice;
* fx `GET /rates/latest`: the reference rate a foreign-currency purchase converts at (plus the card markup).

Outages raise DependencyUnavailable; the ledger's refusals come back as its answer. Tests swap in fakes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from uuid import UUID

from accounts_service.settings import get_accounts_settings
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer, Invoker, ServiceClient


class CardLedger(Protocol):
    def hold(self, key: str, body: dict[str, Any]) -> Answer: ...
    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer: ...
    def void(self, key: str, hold_id: UUID) -> Answer: ...
    def hold_status(self, hold_id: UUID) -> str: ...


class Rates(Protocol):
    def mid_rate(self, base: str, symbol: str) -> Decimal | None:
        """1 `base` in `symbol`, or None when no rate is published for the pair."""
        ...


def _timeout() -> float:
    return get_accounts_settings().ledger_timeout_seconds


class HttpCardLedger:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("ledger", retries=1, invoker=invoker)

    def hold(self, key: str, body: dict[str, Any]) -> Answer:
        return self._client.post_with_key("/internal/holds", key, body, _timeout())

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer:
        return self._client.post_with_key(f"/internal/holds/{hold_id}/capture", key, body, _timeout())

    def void(self, key: str, hold_id: UUID) -> Answer:
        return self._client.post_with_key(f"/internal/holds/{hold_id}/void", key, None, _timeout())

    def hold_status(self, hold_id: UUID) -> str:
        """pending, captured, voided, expired; or missing when the ledger has no such hold (nothing is held)."""
        response = self._client.get(f"/internal/holds/{hold_id}", timeout=_timeout())
        if response.status_code == 404:
            return "missing"
        if response.status_code != 200:
            raise DependencyUnavailable(f"ledger answered {response.status_code}", dependency="ledger")
        return str(response.json()["status"])


class HttpRates:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("fx", retries=1, invoker=invoker)

    def mid_rate(self, base: str, symbol: str) -> Decimal | None:
        response = self._client.get("/rates/latest", params=[("base", base), ("symbols", symbol)],
                                    timeout=_timeout())
        if response.status_code in (400, 404, 422):
            return None  # a currency fx does not quote
        if response.status_code != 200:
            raise DependencyUnavailable(f"fx answered {response.status_code}", dependency="fx")
        try:
            rate = Decimal(str(response.json()["rates"][symbol]))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None
        return rate if rate > 0 else None


_ledger: CardLedger | None = None
_rates: Rates | None = None


def card_ledger() -> CardLedger:
    global _ledger
    if _ledger is None:
        _ledger = HttpCardLedger()
    return _ledger


def rates() -> Rates:
    global _rates
    if _rates is None:
        _rates = HttpRates()
    return _rates


def set_card_clients(ledger: CardLedger | None, rate_source: Rates | None) -> None:
    """Tests swap the clients (fakes); None restores the direct-invoke ones on next use."""
    global _ledger, _rates
    _ledger, _rates = ledger, rate_source
