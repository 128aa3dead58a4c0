"""Settings of the utilities service: calls to accounts and the ledger, the payment hold and the sweep."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class UtilitiesSettings(ServiceSettings):
    # Calls to accounts and the ledger (service-to-service through the gateway).
    utilities_dependency_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    # How long the ledger keeps the customer's money reserved for a payment before releasing it by itself.
    utilities_hold_ttl_seconds: int = Field(default=600, ge=30, le=86_400)
    # Payments left pending/held (the function died mid-saga) are finished by the schedule once this old.
    utilities_stuck_after_seconds: int = Field(default=60, ge=5, le=86_400)
    utilities_stuck_batch: int = Field(default=50, ge=1, le=500)


@lru_cache(maxsize=1)
def get_utilities_settings() -> UtilitiesSettings:
    return UtilitiesSettings()
