"""Settings of the office service: how long it waits for the services it orchestrates."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class OfficeSettings(ServiceSettings):
    office_dependency_timeout_seconds: float = Field(default=5.0, gt=0, le=30)


@lru_cache(maxsize=1)
def get_office_settings() -> OfficeSettings:
    return OfficeSettings()
