"""The rates domain: rate sheets, symbol normalisation and the fx problems (typed, stable codes)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from bank_shared.errors import DependencyUnavailable, NotFound, Unprocessable
from bank_shared.money import UnsupportedCurrency

__all__ = [
    "CurrencyList",
    "InvalidRatesRequest",
    "RateSheet",
    "RatesNotFound",
    "RatesUnavailable",
    "Served",
    "UnsupportedCurrency",
    "decimal_text",
    "normalise_currency",
    "normalise_symbols",
]

CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
T = TypeVar("T")


class RatesUnavailable(DependencyUnavailable):
    code, title = "rates_unavailable", "Exchange rates are unavailable"


class RatesNotFound(NotFound):
    code, title = "rates_not_found", "No exchange rates for that request"


class InvalidRatesRequest(Unprocessable):
    """Bad input found after parsing (e.g. the base among the symbols); lists the offending fields."""

    code, title = "validation_failed", "The request is invalid"

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__("One or more fields are invalid",
                         errors=[{"field": field_name, "message": message, "type": "value_error"}])


def normalise_currency(code: str) -> str:
    return code.strip().upper()


def normalise_symbols(symbols: Iterable[str]) -> tuple[str, ...]:
    """Upper-cased, de-duplicated and sorted, so the same set always gives the same cache key."""
    return tuple(sorted({normalise_currency(code) for code in symbols if code.strip()}))


def decimal_text(value: Decimal) -> str:
    """A rate as a plain decimal string (never exponent notation, never a float)."""
    return format(value, "f")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RateSheet:
    """Rates for one day: 1 `base` = rates[code] `code`. `sources` names where each rate came from when
    they differ (a sheet mixing the treasury's RUB rates with ECB rates); otherwise every rate is `source`'s."""

    base: str
    rate_date: date
    rates: Mapping[str, Decimal]
    source: str
    fetched_at: datetime = field(default_factory=utc_now)
    sources: Mapping[str, str] = field(default_factory=dict)

    def source_of(self, code: str) -> str:
        return self.sources.get(code, self.source)

    def to_json(self) -> dict[str, Any]:
        doc = {
            "base": self.base,
            "date": self.rate_date.isoformat(),
            "rates": {code: decimal_text(rate) for code, rate in sorted(self.rates.items())},
            "source": self.source,
            "fetched_at": self.fetched_at.isoformat(),
        }
        if self.sources:
            doc["sources"] = dict(sorted(self.sources.items()))
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> RateSheet:
        return cls(
            base=str(doc["base"]),
            rate_date=date.fromisoformat(doc["date"]),
            rates={str(code): Decimal(str(rate)) for code, rate in doc["rates"].items()},
            source=str(doc["source"]),
            fetched_at=datetime.fromisoformat(doc["fetched_at"]),
            sources={str(code): str(name) for code, name in (doc.get("sources") or {}).items()},
        )


@dataclass(frozen=True)
class CurrencyList:
    """The currencies a provider quotes: code → English name."""

    names: Mapping[str, str]
    source: str
    fetched_at: datetime = field(default_factory=utc_now)

    def to_json(self) -> dict[str, Any]:
        return {"names": dict(sorted(self.names.items())), "source": self.source,
                "fetched_at": self.fetched_at.isoformat()}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> CurrencyList:
        return cls(names={str(k): str(v) for k, v in doc["names"].items()}, source=str(doc["source"]),
                   fetched_at=datetime.fromisoformat(doc["fetched_at"]))


@dataclass(frozen=True)
class Served(Generic[T]):
    """What a use case hands the API: the value and where it came from."""

    value: T
    cached: bool
    stale: bool
