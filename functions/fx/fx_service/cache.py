"""The Redis cache of rates. Key names and TTLs are part of the contract (tests pin them).

| key                                        | holds                              | TTL                         |
|--------------------------------------------|------------------------------------|-----------------------------|
| `fx:latest:{base}:{symbols}`               | latest rates, fresh                | 86400 s (24 h, the spec)    |
| `fx:last_known:latest:{base}:{symbols}`    | the same, kept for provider outages| 30 days                     |
| `fx:history:{date}:{base}:{symbols}`       | rates for a requested past date    | 30 days settled, 1 h recent |
| `fx:currencies`                            | the provider's currency list       | 86400 s                     |
| `fx:last_known:currencies`                 | the same, kept for provider outages| 30 days                     |

`{symbols}` is the normalised set (upper-cased, de-duplicated, sorted, comma-joined: `EUR,GBP`); the
empty set (no `symbols` parameter: every currency) is the empty string, so its key ends with a colon:
`fx:latest:USD:`. No currency code is empty, so it cannot collide with a real set.

Redis is a cache here, never a dependency: a Redis error is logged and treated as a miss.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from bank_shared.observability import logger
from fx_service.domain import CurrencyList, RateSheet

T = TypeVar("T")

LATEST_TTL_SECONDS = 86_400
LAST_KNOWN_TTL_SECONDS = 30 * 86_400
# A settled day's rates never change; 30 days only bounds the memory rarely asked dates take.
SETTLED_HISTORY_TTL_SECONDS = 30 * 86_400
# A date within the last days may still resolve to an earlier business day until the ECB publishes it.
RECENT_HISTORY_TTL_SECONDS = 3_600
CURRENCIES_TTL_SECONDS = 86_400


def symbols_part(symbols: Sequence[str]) -> str:
    return ",".join(symbols)


def latest_key(base: str, symbols: Sequence[str]) -> str:
    return f"fx:latest:{base}:{symbols_part(symbols)}"


def last_known_latest_key(base: str, symbols: Sequence[str]) -> str:
    return f"fx:last_known:latest:{base}:{symbols_part(symbols)}"


def history_key(day: date, base: str, symbols: Sequence[str]) -> str:
    return f"fx:history:{day.isoformat()}:{base}:{symbols_part(symbols)}"


CURRENCIES_KEY = "fx:currencies"
LAST_KNOWN_CURRENCIES_KEY = "fx:last_known:currencies"


class RatesCache:
    """JSON documents in Redis (a `redis.Redis` with decode_responses=True, or a fake of it)."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    def get_sheet(self, key: str) -> RateSheet | None:
        return self._read(key, RateSheet.from_json)

    def put_sheet(self, key: str, sheet: RateSheet, ttl_seconds: int) -> None:
        self._set(key, sheet.to_json(), ttl_seconds)

    def get_currencies(self, key: str) -> CurrencyList | None:
        return self._read(key, CurrencyList.from_json)

    def put_currencies(self, key: str, currencies: CurrencyList, ttl_seconds: int) -> None:
        self._set(key, currencies.to_json(), ttl_seconds)

    def _read(self, key: str, parse: Callable[[dict[str, Any]], T]) -> T | None:
        """The entry parsed, or None when there is none or it is malformed (a miss)."""
        doc = self._get(key)
        if doc is None:
            return None
        try:
            return parse(doc)
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
            logger.warning("fx cache entry is malformed; ignored", extra={"key": key})
            return None

    def _get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self._redis.get(key)
        except Exception as error:  # noqa: BLE001 - any Redis failure is a cache miss
            logger.warning("fx cache read failed", extra={"key": key, "error": type(error).__name__})
            return None
        if raw is None:
            return None
        try:
            doc = json.loads(raw)
        except ValueError:
            logger.warning("fx cache entry is not JSON; ignored", extra={"key": key})
            return None
        return doc if isinstance(doc, dict) else None

    def _set(self, key: str, doc: dict[str, Any], ttl_seconds: int) -> None:
        try:
            self._redis.set(key, json.dumps(doc, separators=(",", ":")), ex=ttl_seconds)
        except Exception as error:  # noqa: BLE001 - a failed cache write must not fail the request
            logger.warning("fx cache write failed", extra={"key": key, "error": type(error).__name__})
