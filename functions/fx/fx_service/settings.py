"""Settings of the fx service: where Frankfurter lives and how long we wait for it, the spread, the
treasury's RUB rates and the stuck-quote sweep."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class FxSettings(ServiceSettings):
    """FRANKFURTER_URL is the provider's base URL (the local stack points it at the stand-in)."""

    frankfurter_url: str = "https://api.frankfurter.dev/v1"
    # Short on purpose: a slow provider is answered from the last known rates instead of waiting.
    frankfurter_connect_timeout_seconds: float = Field(default=0.5, gt=0, le=10)
    frankfurter_timeout_seconds: float = Field(default=1.5, gt=0, le=10)
    # The bank's spread: the SSM parameter when FX_SPREAD_PARAMETER names one (re-read every
    # fx_spread_refresh_seconds), else FX_SPREAD_BPS.
    fx_spread_parameter: str | None = None
    fx_spread_bps: int = Field(default=50, ge=0, le=5000)
    fx_spread_refresh_seconds: float = Field(default=300, ge=0)
    fx_quote_ttl_seconds: int = Field(default=30, ge=5, le=600)
    # Calls to accounts and the ledger (service-to-service through the gateway).
    fx_dependency_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    # The bank's own rates for its home currency (RUB, absent from the ECB set): the SSM parameter when
    # FX_TREASURY_RATES_PARAMETER names one (JSON, re-read every fx_treasury_refresh_seconds), else the
    # FX_TREASURY_RATES JSON. Neither: the home currency is unsupported.
    fx_treasury_rates_parameter: str | None = None
    fx_treasury_rates: str | None = None
    fx_treasury_refresh_seconds: float = Field(default=60, ge=0, le=3600)
    # Quotes left `executing` (the function died between claiming and finishing) are finished by the
    # schedule once they are this old, by replaying the ledger call under the quote's own key.
    fx_stuck_quote_after_seconds: int = Field(default=60, ge=5, le=86_400)
    fx_stuck_quote_batch: int = Field(default=50, ge=1, le=500)


@lru_cache(maxsize=1)
def get_fx_settings() -> FxSettings:
    return FxSettings()
