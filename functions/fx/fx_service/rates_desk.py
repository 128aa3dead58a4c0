"""The rates the bank quotes: the ECB's reference rates, and the treasury's own rates for the home currency.

Routing, per request:

* no home currency (RUB) involved: the ECB's rates through `RatesService` (Redis cache, stale fallback),
  unchanged;
* the home currency involved (asked for, or "every currency" while the treasury publishes): its rates
  come from the treasury (`TreasuryProvider`: configuration read through a short in-process cache, not
  the 24 h Redis cache, so a new table applies within a minute); a currency the treasury does not list
  is crossed through one it does (USD first, then EUR, CNY) with the ECB rate between the two:
  RUB per GBP = RUB per USD / GBP per USD. Any other currency asked alongside comes from the ECB.

Every rate says where it came from (`sources`: `treasury`, `frankfurter`, or `treasury+frankfurter` for a
cross). Rates derived by division are truncated to 12 places: one unit of the base never buys more than
the exact value (`derived_rate`), the same direction as the pricing's roundings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fx_service.domain import (
    CurrencyList,
    InvalidRatesRequest,
    RateSheet,
    RatesNotFound,
    RatesUnavailable,
    Served,
    UnsupportedCurrency,
)
from fx_service.providers import ProviderRejected, ProviderUnavailable, TreasuryProvider, derived_rate
from fx_service.service import RatesService
from fx_service.treasury import TreasuryTable

TREASURY = "treasury"
CROSS = "treasury+frankfurter"
ANCHORS = ("USD", "EUR", "CNY")

Fetch = Callable[[str, Sequence[str]], Served[RateSheet]]


@dataclass(frozen=True)
class _HomeValue:
    """Home units per one unit of a currency, as numerator / denominator (exact until divided)."""

    numerator: Decimal
    denominator: Decimal
    source: str

    def per_unit(self) -> Decimal:
        """Home units one unit buys (exact when direct, truncated when crossed)."""
        return self.numerator if self.denominator == 1 else derived_rate(self.numerator, self.denominator)

    def inverse(self) -> Decimal:
        """Units one home unit buys (truncated)."""
        return derived_rate(self.denominator, self.numerator)


class RatesDesk:
    def __init__(self, market: RatesService, treasury: TreasuryProvider) -> None:
        self._market = market
        self._treasury = treasury

    def latest(self, base: str, symbols: Sequence[str]) -> Served[RateSheet]:
        return self._rates(base, symbols, self._market.latest, None)

    def historical(self, day: date, base: str, symbols: Sequence[str]) -> Served[RateSheet]:
        return self._rates(base, symbols, lambda b, s: self._market.historical(day, b, s), day)

    def today(self) -> date:
        return self._market.today()

    def currencies(self) -> Served[CurrencyList]:
        served = self._market.currencies()
        try:
            own = self._treasury.currencies()
        except (ProviderUnavailable, ProviderRejected):
            return served
        market = served.value
        merged = CurrencyList(names={**own.names, **market.names}, source=f"{market.source}+{own.source}",
                              fetched_at=market.fetched_at)
        return Served(merged, cached=served.cached, stale=served.stale)

    # --- the home currency ---

    def _rates(self, base: str, symbols: Sequence[str], fetch: Fetch, day: date | None) -> Served[RateSheet]:
        home = self._treasury.home
        if home not in (base, *symbols) and (symbols or not self._publishes()):
            return fetch(base, symbols)
        if base in symbols:
            raise InvalidRatesRequest("symbols", f"must not contain the base currency {base}")
        if day is not None:
            self._market.check_day(day)
        table = self._table(day)
        parts: list[Served[RateSheet]] = []
        rates: dict[str, Decimal] = {}
        sources: dict[str, str] = {}
        if base == home:
            values = self._home_values(table, tuple(symbols) or None, fetch, parts)
            for code, value in values.items():
                rates[code], sources[code] = value.inverse(), value.source
        else:
            others = tuple(code for code in symbols if code != home)
            if others or not symbols:
                served = fetch(base, others)
                parts.append(served)
                for code, rate in served.value.rates.items():
                    if code != home:
                        rates[code], sources[code] = rate, served.value.source_of(code)
            value = self._home_values(table, (base,), fetch, parts)[base]
            rates[home], sources[home] = value.per_unit(), value.source
        distinct = set(sources.values())
        sheet = RateSheet(
            base=base,
            rate_date=min([table.as_of, *(part.value.rate_date for part in parts)]),
            rates=rates,
            source=distinct.pop() if len(distinct) == 1 else CROSS,
            fetched_at=table.read_at,
            sources=sources,
        )
        return Served(sheet, cached=False, stale=table.stale or any(part.stale for part in parts))

    def _publishes(self) -> bool:
        """Whether "every currency" includes the home currency right now."""
        try:
            self._treasury.table()
        except (ProviderUnavailable, ProviderRejected):
            return False
        return True

    def _table(self, day: date | None) -> TreasuryTable:
        try:
            table = self._treasury.table()
        except ProviderUnavailable:
            raise RatesUnavailable(f"The bank's {self._treasury.home} rates are unavailable",
                                   headers={"Retry-After": "30"}) from None
        except ProviderRejected:
            home = self._treasury.home
            raise UnsupportedCurrency(f"No exchange rates are published for: {home}", currencies=[home]) from None
        if day is not None and day < table.as_of:
            raise RatesNotFound(f"The bank's {table.home} rates are kept from {table.as_of.isoformat()} only")
        return table

    def _home_values(self, table: TreasuryTable, codes: tuple[str, ...] | None, fetch: Fetch,
                     parts: list[Served[RateSheet]]) -> dict[str, _HomeValue]:
        """Home units per unit of each code (None: every code the treasury lists or can cross)."""
        wanted = codes if codes is not None else tuple(sorted(table.rates))
        values = {code: _HomeValue(table.rates[code], Decimal(1), TREASURY) for code in wanted if code in table.rates}
        crossed = tuple(code for code in wanted if code not in table.rates)
        if crossed or codes is None:
            anchor = next((code for code in ANCHORS if code in table.rates), min(table.rates))
            served = fetch(anchor, crossed)
            parts.append(served)
            for code, per_anchor in served.value.rates.items():
                if code not in table.rates and code != table.home and per_anchor > 0:
                    values[code] = _HomeValue(table.rates[anchor], per_anchor, CROSS)
        return values
