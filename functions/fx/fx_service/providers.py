"""Rate providers behind one interface, and the Frankfurter implementation (ECB reference rates).

A provider answers in its own terms; it raises `ProviderUnavailable` when it cannot answer right now
(timeouts, connection errors, 5xx, garbage) and `ProviderRejected` when it refuses the request itself
(unknown currency, no data for a date). The service decides what each means for the caller.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import httpx

from bank_shared.observability import REQUEST_ID_HEADER, current_request_id, logger
from fx_service.domain import CurrencyList, RateSheet

__all__ = ["FrankfurterProvider", "ProviderRejected", "ProviderUnavailable", "RatesProvider"]


class ProviderUnavailable(Exception):
    """The provider could not answer (transient): fall back to what we know."""


class ProviderRejected(Exception):
    """The provider refused the request (4xx): retrying or falling back will not help."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@runtime_checkable
class RatesProvider(Protocol):
    """A source of exchange rates. `symbols` is normalised; empty means every quoted currency."""

    name: str

    def latest(self, base: str, symbols: Sequence[str]) -> RateSheet: ...

    def historical(self, day: date, base: str, symbols: Sequence[str]) -> RateSheet: ...

    def currencies(self) -> CurrencyList: ...


class FrankfurterProvider:
    """Frankfurter's v1 API (`/latest`, `/YYYY-MM-DD`, `/currencies`) over one pooled httpx client."""

    name = "frankfurter"

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    @classmethod
    def from_settings(cls, base_url: str, timeout_seconds: float, connect_timeout_seconds: float,
                      transport: httpx.BaseTransport | None = None) -> FrankfurterProvider:
        client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=httpx.Timeout(timeout_seconds, connect=connect_timeout_seconds),
            headers={"Accept": "application/json", "User-Agent": "bank-fx/1.0"},
            transport=transport,
        )
        return cls(client)

    def latest(self, base: str, symbols: Sequence[str]) -> RateSheet:
        return self._sheet(self._get("latest", _rate_params(base, symbols)))

    def historical(self, day: date, base: str, symbols: Sequence[str]) -> RateSheet:
        return self._sheet(self._get(day.isoformat(), _rate_params(base, symbols)))

    def currencies(self) -> CurrencyList:
        doc = self._get("currencies", {})
        if not all(isinstance(name, str) for name in doc.values()):
            raise ProviderUnavailable("frankfurter: malformed currency list")
        return CurrencyList(names=dict(doc), source=self.name)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        headers = {REQUEST_ID_HEADER: rid} if (rid := current_request_id()) else {}
        try:
            response = self._client.get(path, params=params, headers=headers)
        except httpx.HTTPError as error:  # timeouts, refused connections, protocol errors
            logger.warning("frankfurter unreachable", extra={"path": path, "error": type(error).__name__})
            raise ProviderUnavailable(f"frankfurter: {type(error).__name__}") from error
        if response.status_code >= 500 or response.status_code == 429:
            logger.warning("frankfurter failed", extra={"path": path, "status": response.status_code})
            raise ProviderUnavailable(f"frankfurter: HTTP {response.status_code}")
        doc = _json_object(response)
        if response.status_code >= 400:
            raise ProviderRejected(response.status_code, str(doc.get("message", "rejected")))
        return doc

    def _sheet(self, doc: dict[str, Any]) -> RateSheet:
        try:
            rates = {str(code): Decimal(rate) for code, rate in doc["rates"].items()}
            return RateSheet(base=str(doc["base"]), rate_date=date.fromisoformat(doc["date"]), rates=rates,
                             source=self.name)
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
            raise ProviderUnavailable(f"frankfurter: malformed rates ({type(error).__name__})") from error


def _rate_params(base: str, symbols: Sequence[str]) -> dict[str, str]:
    params = {"base": base}
    if symbols:
        params["symbols"] = ",".join(symbols)
    return params


def _json_object(response: httpx.Response) -> dict[str, Any]:
    """JSON numbers become Decimal at parse time, so a rate is never a float, not even briefly."""
    try:
        doc = json.loads(response.content, parse_float=Decimal, parse_int=Decimal)
    except ValueError as error:
        raise ProviderUnavailable(f"frankfurter: HTTP {response.status_code} without JSON") from error
    if not isinstance(doc, dict):
        raise ProviderUnavailable(f"frankfurter: HTTP {response.status_code} unexpected body")
    return doc
