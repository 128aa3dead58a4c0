"""Settings of the office service: how long it waits for the services it orchestrates, and the limits of
the money staff move (maker-checker, see office_service.approvals)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pydantic import Field, field_validator

from bank_shared.settings import ServiceSettings

# Amounts in major units per currency; "*" applies to every currency not named.
DEFAULT_APPROVAL_THRESHOLD = {"RUB": "100000", "USD": "1000", "EUR": "1000", "CNY": "10000", "*": "1000"}
DEFAULT_TOPUP_MAX = {"RUB": "10000000", "USD": "100000", "EUR": "100000", "CNY": "1000000", "*": "100000"}
DEFAULT_DAILY_LIMIT = {"RUB": "30000000", "USD": "300000", "EUR": "300000", "CNY": "3000000", "*": "300000"}


def _amount_map(value: object) -> dict[str, Decimal]:
    """A JSON object (or dict) of currency -> decimal amount in major units, with a "*" default."""
    raw = json.loads(value) if isinstance(value, str) else value
    if not isinstance(raw, dict) or "*" not in raw:
        raise ValueError('expected a JSON object of currency -> amount with a "*" default')
    try:
        amounts = {str(currency): Decimal(str(amount)) for currency, amount in raw.items()}
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {error}") from None
    if any(not amount.is_finite() or amount <= 0 for amount in amounts.values()):
        raise ValueError("every amount must be positive")
    return amounts


class OfficeSettings(ServiceSettings):
    office_dependency_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    # A staff top-up of at least this much waits for a second employee's approval (every reversal does).
    office_approval_threshold: dict[str, Decimal] = Field(
        default_factory=lambda: _amount_map(DEFAULT_APPROVAL_THRESHOLD))
    # Above this a top-up is refused outright, approval or not.
    office_topup_max: dict[str, Decimal] = Field(default_factory=lambda: _amount_map(DEFAULT_TOPUP_MAX))
    # What one employee may top up in 24 hours, per currency (requests waiting for approval count too).
    office_daily_topup_limit: dict[str, Decimal] = Field(default_factory=lambda: _amount_map(DEFAULT_DAILY_LIMIT))
    # A request nobody approved or rejected expires after this long.
    office_approval_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    # The schedule retries an approved request whose execution did not finish (an outage) after this long.
    office_approval_retry_after_seconds: int = Field(default=30, ge=1)
    # The audit log viewer and its CSV export: the longest period asked at once, the most rows one export holds.
    office_audit_max_days: int = Field(default=366, ge=1)
    office_audit_export_max_rows: int = Field(default=10_000, ge=1, le=100_000)

    @field_validator("office_approval_threshold", "office_topup_max", "office_daily_topup_limit", mode="before")
    @classmethod
    def _parse_amounts(cls, value: object) -> dict[str, Decimal]:
        return _amount_map(value)


@lru_cache(maxsize=1)
def get_office_settings() -> OfficeSettings:
    return OfficeSettings()
