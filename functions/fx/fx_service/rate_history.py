"""A pair's rate over the last days, for the rates board's chart.

Built from the day sheets `RatesDesk.historical` already serves (each day cached in Redis, settled days for
long), at most `MAX_POINTS` days sampled evenly across the period, newest last. Weekends and holidays give the
business day before, so such days collapse into one point. A day the source keeps no rates for (the treasury
holds its RUB table from its `as_of` day only, the ECB's data start in 1999) is left out rather than failing
the whole answer; an unavailable provider still fails it (503 `rates_unavailable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from fx_service.domain import InvalidRatesRequest, RatesNotFound
from fx_service.rates_desk import RatesDesk

MAX_POINTS = 31


@dataclass(frozen=True)
class RatePoint:
    day: date
    rate: Decimal


@dataclass(frozen=True)
class RateHistory:
    base: str
    quote: str
    points: list[RatePoint]
    sources: list[str]


def sample_days(today: date, days: int, max_points: int = MAX_POINTS) -> list[date]:
    """`days` back from today (included), thinned evenly to at most `max_points` days, oldest first."""
    step = max(1, -(-days // max_points))
    return sorted({today - timedelta(days=back) for back in range(0, days, step)})


def rate_history(desk: RatesDesk, base: str, quote: str, days: int, today: date) -> RateHistory:
    if base == quote:
        raise InvalidRatesRequest("quote", "must differ from the base currency")
    points: dict[date, Decimal] = {}
    sources: set[str] = set()
    for day in sample_days(today, days):
        try:
            sheet = desk.historical(day, base, (quote,)).value
        except RatesNotFound:
            continue
        if quote in sheet.rates:
            points[sheet.rate_date] = sheet.rates[quote]
            sources.add(sheet.source_of(quote))
    ordered = [RatePoint(day, rate) for day, rate in sorted(points.items())]
    return RateHistory(base=base, quote=quote, points=ordered, sources=sorted(sources))
