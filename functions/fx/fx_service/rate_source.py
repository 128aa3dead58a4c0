"""Where a quote's mid rate comes from: one interface, one implementation today.

`MarketRates` prices from the cached reference rates (`RatesService.latest`: the Redis 24 h cache, the
provider, the last known rates marked stale). The ECB set has no RUB, so a RUB quote is refused with
`unsupported_currency` by the currency check that path already does. A second source (e.g. the bank's own
RUB rates from configuration, or a market-data feed) is another `QuoteRateSource`; `dependencies.py`
picks the source, and a composite could route by currency pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from fx_service.domain import UnsupportedCurrency
from fx_service.service import RatesService


@dataclass(frozen=True)
class MidRate:
    rate: Decimal  # buy units per sell unit
    rate_date: date
    source: str
    stale: bool


class QuoteRateSource(Protocol):
    def mid_rate(self, sell_currency: str, buy_currency: str) -> MidRate: ...


class MarketRates:
    """Mid rates from the cached reference rates (Frankfurter/ECB)."""

    def __init__(self, rates: RatesService) -> None:
        self._rates = rates

    def mid_rate(self, sell_currency: str, buy_currency: str) -> MidRate:
        served = self._rates.latest(sell_currency, (buy_currency,))
        sheet = served.value
        rate = sheet.rates.get(buy_currency)
        if rate is None or rate <= 0:
            raise UnsupportedCurrency(f"No rate is published for {sell_currency}→{buy_currency}",
                                      currencies=[sell_currency, buy_currency])
        return MidRate(rate=rate, rate_date=sheet.rate_date, source=sheet.source, stale=served.stale)
