"""Rate providers behind one interface: Frankfurter (ECB reference rates) and the bank's treasury (its own
rates for the home currency, RUB, from configuration; see treasury.py).

A provider answers in its own terms; it raises `ProviderUnavailable` when it cannot answer right now
(timeouts, connection errors, 5xx, garbage) and `ProviderRejected` when it refuses the request itself
(unknown currency, no data for a date). The service decides what each means for the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bank_shared.observability import REQUEST_ID_HEADER, current_request_id, logger, trace_library
from bank_shared.transaction_guard import network_call
from fx_service.domain import CurrencyList, RateSheet
from fx_service.treasury import TreasuryTable, TreasuryUnavailable

if TYPE_CHECKING:  # httpx loads with the provider's client, not at cold start
    import httpx

__all__ = ["FrankfurterProvider", "ProviderRejected", "ProviderUnavailable", "RatesProvider", "TreasuryProvider",
           "derived_rate"]

# Rates derived by division (inverses, cross rates) keep 12 decimal places (the quotes' numeric(30, 12)),
# truncated: 1 base buys at most this much, never more (the bank's favour, as pricing rounds).
DERIVED_RATE_PLACES = Decimal("1e-12")
CURRENCY_NAMES = {"RUB": "Russian Ruble", "USD": "United States Dollar", "EUR": "Euro", "CNY": "Chinese Renminbi Yuan",
                  "GBP": "British Pound", "CHF": "Swiss Franc", "JPY": "Japanese Yen", "KZT": "Kazakhstani Tenge",
                  "BYN": "Belarusian Ruble", "AMD": "Armenian Dram", "TRY": "Turkish Lira", "AED": "UAE Dirham",
                  "INR": "Indian Rupee", "HKD": "Hong Kong Dollar"}


def derived_rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator truncated to 12 places (raises ProviderRejected when that leaves nothing)."""
    with localcontext() as context:
        context.prec = 50
        rate = (numerator / denominator).quantize(DERIVED_RATE_PLACES, rounding=ROUND_DOWN)
    if rate <= 0:
        raise ProviderRejected(422, "the rate is too small to quote")
    return rate


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
        trace_library("httpx")  # before the client exists: X-Ray instruments clients built after its patch
        import httpx

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
        import httpx

        headers = {REQUEST_ID_HEADER: rid} if (rid := current_request_id()) else {}
        network_call("frankfurter")
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


class TreasuryProvider:
    """The treasury's table (home-currency units per one unit of each listed currency) as rate sheets.

    It quotes the home currency against the listed currencies only, both ways: `base=RUB` gives
    1 / rates[X] (truncated, see `derived_rate`), `base=X&symbols=RUB` gives rates[X]. Other pairs are
    the ECB's (the composite in rates_desk.py routes, and crosses unlisted currencies through a listed one).
    The table holds the rates in force since `as_of` only, so a day before that is rejected.
    """

    name = "treasury"

    def __init__(self, table: Callable[[], TreasuryTable | None]) -> None:
        self._table = table

    def table(self) -> TreasuryTable:
        try:
            table = self._table()
        except TreasuryUnavailable as error:
            raise ProviderUnavailable(f"treasury: {error}") from error
        if table is None:
            raise ProviderRejected(404, "the treasury publishes no rates")
        return table

    @property
    def home(self) -> str:
        try:
            table = self._table()
        except TreasuryUnavailable:
            return "RUB"
        return table.home if table is not None else "RUB"

    def latest(self, base: str, symbols: Sequence[str]) -> RateSheet:
        return self._sheet(self.table(), base, symbols)

    def historical(self, day: date, base: str, symbols: Sequence[str]) -> RateSheet:
        table = self.table()
        if day < table.as_of:
            raise ProviderRejected(404, f"treasury rates are kept from {table.as_of.isoformat()} only")
        return self._sheet(table, base, symbols)

    def currencies(self) -> CurrencyList:
        table = self.table()
        codes = [table.home, *table.rates]
        return CurrencyList(names={code: CURRENCY_NAMES.get(code, code) for code in codes}, source=self.name,
                            fetched_at=table.read_at)

    def _sheet(self, table: TreasuryTable, base: str, symbols: Sequence[str]) -> RateSheet:
        if base == table.home:
            codes = list(symbols) or sorted(table.rates)
            unknown = [code for code in codes if code not in table.rates]
            if unknown:
                raise ProviderRejected(404, f"no treasury rate for {', '.join(unknown)}")
            rates = {code: derived_rate(Decimal(1), table.rates[code]) for code in codes}
        elif base in table.rates and set(symbols) <= {table.home}:
            rates = {table.home: table.rates[base]}
        else:
            raise ProviderRejected(404, f"the treasury quotes {table.home} against {', '.join(sorted(table.rates))}")
        return RateSheet(base=base, rate_date=table.as_of, rates=rates, source=self.name, fetched_at=table.read_at)


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
