"""HTTP routes of the fx service. Rates are public market data (no token; `Auth: NONE` in the template).
RUB rates are the treasury's own (see rates_desk.py); each rate says its source in `sources`."""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from bank_shared.app import create_app
from bank_shared.timestamps import utc_text
from fx_service.dependencies import rates_desk
from fx_service.domain import RateSheet, Served, decimal_text, normalise_currency, normalise_symbols
from fx_service.exchange_api import router as exchange_router
from fx_service.rate_history import rate_history
from fx_service.rates_desk import RatesDesk

router = APIRouter(tags=["fx"])
Rates = Annotated[RatesDesk, Depends(rates_desk)]

_CODE = r"[A-Za-z]{3}"
BaseParam = Annotated[str, Query(pattern=rf"^\s*{_CODE}\s*$", description="ISO 4217 code of the base currency",
                                 examples=["USD"])]
SymbolsParam = Annotated[
    str | None,
    Query(pattern=rf"^(\s*{_CODE}\s*(,\s*{_CODE}\s*)*)?$", max_length=200,
          description="Comma-separated ISO 4217 codes; absent or empty: every quoted currency",
          examples=["EUR,GBP"]),
]


class RatesResponse(BaseModel):
    base: str = Field(examples=["USD"])
    date: Date = Field(description="The day the rates are for: the ECB business day; for RUB the day the "
                                   "treasury's rates apply from (the earlier of the two when mixed)")
    rates: dict[str, str] = Field(description="1 base = rate units of each currency, as decimal strings",
                                  examples=[{"EUR": "0.86386", "GBP": "0.7571"}])
    cached: bool = Field(description="Served from the Redis cache rather than fetched for this request")
    stale: bool = Field(description="The provider is failing; these are the last known rates")
    source: str = Field(description="frankfurter (ECB), treasury (the bank's RUB rates), or "
                                    "treasury+frankfurter when the rates mix or cross both",
                        examples=["frankfurter"])
    sources: dict[str, str] = Field(description="Where each rate came from: frankfurter, treasury, or "
                                                "treasury+frankfurter (RUB crossed through a treasury currency)",
                                    examples=[{"EUR": "frankfurter", "RUB": "treasury"}])
    fetched_at: str = Field(description="When these rates were fetched from the provider (RFC 3339, UTC)")


class Currency(BaseModel):
    code: str
    name: str


class CurrenciesResponse(BaseModel):
    items: list[Currency]
    next_cursor: str | None = None
    cached: bool
    stale: bool
    source: str


class RatePointResponse(BaseModel):
    date: Date = Field(description="The business day the rate is for")
    rate: str = Field(description="1 base = rate units of the quote currency, a decimal string", examples=["0.86386"])


class RateHistoryResponse(BaseModel):
    base: str = Field(examples=["USD"])
    quote: str = Field(examples=["EUR"])
    days: int = Field(description="The period asked for, in days back from today")
    points: list[RatePointResponse] = Field(description="Oldest first; at most 31, sampled evenly over the period; "
                                                        "days the source keeps no rates for are left out")
    sources: list[str] = Field(description="Where the rates came from (frankfurter, treasury, "
                                           "treasury+frankfurter)")


def _rates_response(served: Served[RateSheet]) -> RatesResponse:
    sheet = served.value
    return RatesResponse(
        base=sheet.base,
        date=sheet.rate_date,
        rates={code: decimal_text(rate) for code, rate in sorted(sheet.rates.items())},
        cached=served.cached,
        stale=served.stale,
        source=sheet.source,
        sources={code: sheet.source_of(code) for code in sorted(sheet.rates)},
        fetched_at=utc_text(sheet.fetched_at),
    )


def _symbols(raw: str | None) -> tuple[str, ...]:
    return normalise_symbols(raw.split(",")) if raw else ()


@router.get("/rates/latest", response_model=RatesResponse)
def latest_rates(service: Rates, base: BaseParam = "EUR", symbols: SymbolsParam = None) -> RatesResponse:
    """The latest reference rates for `base` (cached 24 h; the last known rates, `stale`, on outages)."""
    return _rates_response(service.latest(normalise_currency(base), _symbols(symbols)))


@router.get("/rates/history", response_model=RateHistoryResponse)
def rates_history(
    service: Rates,
    base: BaseParam,
    quote: Annotated[str, Query(pattern=rf"^\s*{_CODE}\s*$", description="ISO 4217 code of the quote currency",
                                examples=["EUR"])],
    days: Annotated[int, Query(ge=7, le=365, description="How many days back from today")] = 30,
) -> RateHistoryResponse:
    """A pair's rate over the last `days` days, for a chart (each day served as `/rates/{date}` serves it)."""
    history = rate_history(service, normalise_currency(base), normalise_currency(quote), days, service.today())
    return RateHistoryResponse(base=history.base, quote=history.quote, days=days, sources=history.sources,
                               points=[RatePointResponse(date=p.day, rate=decimal_text(p.rate))
                                       for p in history.points])


@router.get("/rates/{date}", response_model=RatesResponse)
def historical_rates(
    service: Rates,
    date: Annotated[Date, Path(description="YYYY-MM-DD; a non-business day gives the business day before")],
    base: BaseParam = "EUR",
    symbols: SymbolsParam = None,
) -> RatesResponse:
    """Reference rates for a past date."""
    return _rates_response(service.historical(date, normalise_currency(base), _symbols(symbols)))


@router.get("/currencies", response_model=CurrenciesResponse)
def currencies(service: Rates) -> CurrenciesResponse:
    """Every currency rates are published for, with its English name."""
    served = service.currencies()
    items = [Currency(code=code, name=name) for code, name in sorted(served.value.names.items())]
    return CurrenciesResponse(items=items, cached=served.cached, stale=served.stale, source=served.value.source)


app = create_app("fx", routers=[router, exchange_router],
                 description="Exchange rates (Frankfurter, cached in Redis) and currency exchange.")
