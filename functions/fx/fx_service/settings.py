"""Settings of the fx service: where Frankfurter lives and how long we wait for it."""

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


@lru_cache(maxsize=1)
def get_fx_settings() -> FxSettings:
    return FxSettings()
