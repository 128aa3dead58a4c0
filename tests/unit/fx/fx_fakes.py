"""Fakes for the fx unit tests: Frankfurter answering through httpx.MockTransport, a Redis that fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx

TODAY = date(2026, 11, 26)
LATEST_DAY = "2026-11-25"
# EUR-based table, the numbers written as Frankfurter writes them (JSON numbers).
EUR_TABLE = {"GBP": "0.8804", "JPY": "181.81", "USD": "1.1578", "CHF": "0.9306"}
NAMES = {"EUR": "Euro", "GBP": "British Pound", "JPY": "Japanese Yen", "USD": "United States Dollar",
         "CHF": "Swiss Franc"}


class FakeFrankfurter:
    """Frankfurter's v1 API in memory. `mode`: ok | error (503) | timeout | garbage; `calls` counts paths."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.calls: list[httpx.Request] = []
        self.drop_symbols: set[str] = set()  # Frankfurter silently drops unknown symbols
        self.historical_day: str | None = None  # answer every date with this business day (a long weekend)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.calls]

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if self.mode == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if self.mode == "error":
            return httpx.Response(503, json={"message": "service unavailable"})
        if self.mode == "garbage":
            return httpx.Response(200, text="<html>gateway</html>")
        path = request.url.path.removeprefix("/v1")
        if path == "/currencies":
            return httpx.Response(200, json=NAMES)
        if path == "/latest":
            return self._rates(LATEST_DAY, request)
        day = path.strip("/")
        if day < "2026-11-01":
            return httpx.Response(404, json={"message": "not found"})
        return self._rates(self.historical_day or day, request)

    def _rates(self, day: str, request: httpx.Request) -> httpx.Response:
        base = request.url.params.get("base", "EUR")
        table = {"EUR": "1", **EUR_TABLE}
        if base not in table:
            return httpx.Response(404, json={"message": "not found"})
        wanted = request.url.params.get("symbols")
        codes = wanted.split(",") if wanted else [c for c in table if c != base]
        rates = {c: _cross(table, base, c) for c in codes if c in table and c not in self.drop_symbols}
        if not rates:
            return httpx.Response(404, json={"message": "not found"})
        # Written by hand so the numbers are JSON numbers, as Frankfurter sends them.
        numbers = ",".join(f'"{code}":{value}' for code, value in rates.items())
        body = f'{{"amount":1.0,"base":"{base}","date":"{day}","rates":{{{numbers}}}}}'
        return httpx.Response(200, content=body.encode(), headers={"content-type": "application/json"})


def _cross(table: dict[str, str], base: str, code: str) -> str:
    if base == "EUR":
        return table[code]
    return str((Decimal(table[code]) / Decimal(table[base])).quantize(Decimal("0.00001")))


class BrokenRedis:
    """A Redis whose every call fails, as when ElastiCache is unreachable."""

    def get(self, *_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("redis down")

    def set(self, *_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("redis down")
