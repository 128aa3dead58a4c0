"""Settings of the ledger service."""

from __future__ import annotations

from functools import lru_cache

from bank_shared.settings import ServiceSettings


class LedgerSettings(ServiceSettings):
    hold_default_ttl_seconds: int = 900
    hold_max_ttl_seconds: int = 7 * 24 * 3600
    hold_expiry_batch: int = 500


@lru_cache(maxsize=1)
def get_ledger_settings() -> LedgerSettings:
    return LedgerSettings()
