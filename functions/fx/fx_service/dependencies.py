"""Wiring: one provider (pooled HTTP client) per execution environment, the shared Redis client, the
treasury's configured rates."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends

from bank_shared.redis_client import get_redis
from bank_shared.snapstart import reset_on_restore
from fx_service.cache import RatesCache
from fx_service.exchange import Pricing
from fx_service.providers import FrankfurterProvider, RatesProvider, TreasuryProvider
from fx_service.rate_source import MarketRates
from fx_service.rates_desk import RatesDesk
from fx_service.service import RatesService
from fx_service.settings import get_fx_settings
from fx_service.spread import spread_bps
from fx_service.treasury import treasury_table


@lru_cache(maxsize=1)
def rates_provider() -> RatesProvider:
    settings = get_fx_settings()
    return FrankfurterProvider.from_settings(
        settings.frankfurter_url,
        timeout_seconds=settings.frankfurter_timeout_seconds,
        connect_timeout_seconds=settings.frankfurter_connect_timeout_seconds,
    )


@reset_on_restore
def forget_rates_provider() -> None:
    """A SnapStart restore must not reuse the snapshot's pooled connections to Frankfurter."""
    rates_provider.cache_clear()


def rates_service() -> RatesService:
    return RatesService(rates_provider(), RatesCache(get_redis()))


@lru_cache(maxsize=1)
def treasury_provider() -> TreasuryProvider:
    return TreasuryProvider(treasury_table)


def rates_desk(market: Annotated[RatesService, Depends(rates_service)]) -> RatesDesk:
    return RatesDesk(market, treasury_provider())


def quote_pricing() -> Pricing:
    """The rate source, the spread and the quote lifetime, as configured now."""
    return Pricing(MarketRates(rates_desk(rates_service())), spread_bps(), get_fx_settings().fx_quote_ttl_seconds)
