"""Where a quote's mid rate comes from.

`MarketRates` prices from the rates the bank quotes (`RatesDesk.latest`): ECB reference rates through the
Redis 24 h cache (the last known rates marked stale on outages), and for RUB the treasury's own rates,
crossed through a treasury currency with the ECB rate where the treasury lists no rate. The quote records
which source priced it (`rate_source`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from fx_service.domain import RateSheet, Served, UnsupportedCurrency


@dataclass(frozen=True)
class MidRate:
    rate: Decimal  # buy units per sell unit
    rate_date: date
    source: str
    stale: bool


class QuoteRateSource(Protocol):
    def mid_rate(self, sell_currency: str, buy_currency: str) -> MidRate: ...


class LatestRates(Protocol):
    def latest(self, base: str, symbols: Sequence[str]) -> Served[RateSheet]: ...


class MarketRates:
    """Mid rates from the rates the bank quotes (a `RatesDesk`, or a plain `RatesService`)."""

    def __init__(self, rates: LatestRates) -> None:
        self._rates = rates

    def mid_rate(self, sell_currency: str, buy_currency: str) -> MidRate:
        served = self._rates.latest(sell_currency, (buy_currency,))
        sheet = served.value
        rate = sheet.rates.get(buy_currency)
        if rate is None or rate <= 0:
            raise UnsupportedCurrency(f"No rate is published for {sell_currency}→{buy_currency}",
                                      currencies=[sell_currency, buy_currency])
        return MidRate(rate=rate, rate_date=sheet.rate_date, source=sheet.source_of(buy_currency),
                       stale=served.stale)
