"""HTTP front of the Frankfurter stand-in: routing, JSON, and fault injection for tests.

Routes (each also under ``/v1``): ``GET /latest`` (alias ``/current``),
``GET /YYYY-MM-DD``, ``GET /YYYY-MM-DD..[YYYY-MM-DD]``, ``GET /currencies``. Outside the
Frankfurter API: ``GET /health`` and ``GET|POST /__control``; those two never suffer
injected faults.

Fault injection (state shared by all request threads):

* ``mode`` ``ok``: normal answers; ``error``: every API call answers ``error_status``
  (default 503) with ``{"message": "service unavailable"}``; ``slow``: every API call
  waits ``delay_ms`` (default 2000 when entering slow mode without one) first.
* ``delay_ms`` in ``ok`` mode adds a fixed latency; ``fail_rate`` (0..1) makes that
  share of API calls fail with ``error_status`` at random.

``POST /__control`` takes any of ``{"mode", "delay_ms", "fail_rate", "error_status"}``;
``{"mode": "ok"}`` alone resets everything to the start-up values (command line/env).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from frankfurter_standin.rates import (
    QuoteError,
    Snapshot,
    end_of_day,
    parse_date,
    time_series,
)

MODES = ("ok", "error", "slow")
DEFAULT_SLOW_MS = 2000
_DATE = r"\d{4}-\d{2}-\d{2}"
_DAY_PATH = re.compile(rf"^/({_DATE})$")
_SERIES_PATH = re.compile(rf"^/({_DATE})\.\.({_DATE})?$")


class FaultState:
    """Thread-safe fault-injection settings, resettable to their start-up values."""

    def __init__(self, fail_rate: float = 0.0, delay_ms: int = 0, error_status: int = 503) -> None:
        self._defaults = {
            "fail_rate": fail_rate,
            "delay_ms": delay_ms,
            "error_status": error_status,
        }
        self._lock = threading.Lock()
        self._state: dict[str, Any] = {}
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._state = {"mode": "ok", **self._defaults}

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._state)

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Validate and apply a control request; raises ValueError on bad input."""
        validated = _validate_control(changes)
        if validated.get("mode") == "ok" and set(validated) == {"mode"}:
            self.reset()
            return self.snapshot()
        with self._lock:
            if validated.get("mode") == "slow" and "delay_ms" not in validated:
                validated["delay_ms"] = self._state["delay_ms"] or DEFAULT_SLOW_MS
            self._state.update(validated)
            return dict(self._state)

    def plan(self) -> tuple[float, int | None]:
        """Seconds to wait, and the error status to answer (None: answer normally)."""
        state = self.snapshot()
        delay = state["delay_ms"] / 1000 if state["mode"] in ("ok", "slow") else 0.0
        failing = state["mode"] == "error" or random.random() < state["fail_rate"]  # noqa: S311 - fault injection
        return delay, (state["error_status"] if failing else None)


def _validate_control(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - {"mode", "delay_ms", "fail_rate", "error_status"}
    if unknown:
        raise ValueError(f"unknown control fields: {sorted(unknown)}")
    out: dict[str, Any] = {}
    if "mode" in changes:
        if changes["mode"] not in MODES:
            raise ValueError(f"mode must be one of {list(MODES)}")
        out["mode"] = changes["mode"]
    if "delay_ms" in changes:
        out["delay_ms"] = _bounded_int(changes["delay_ms"], "delay_ms", 0, 600_000)
    if "error_status" in changes:
        out["error_status"] = _bounded_int(changes["error_status"], "error_status", 500, 599)
    if "fail_rate" in changes:
        rate = changes["fail_rate"]
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ValueError("fail_rate must be a number between 0 and 1")
        out["fail_rate"] = float(rate)
    return out


def _bounded_int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer between {low} and {high}")
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def route_api(snapshot: Snapshot, path: str, params: dict[str, str]) -> dict[str, Any]:
    """Answer one API path (already stripped of ``/v1``); raises QuoteError."""
    if path in ("/latest", "/current"):
        return end_of_day(snapshot, None, params)
    if path == "/currencies":
        return dict(snapshot.currency_names())
    if match := _DAY_PATH.match(path):
        return end_of_day(snapshot, parse_date(match.group(1)), params)
    if match := _SERIES_PATH.match(path):
        end = parse_date(match.group(2)) if match.group(2) else None
        return time_series(snapshot, parse_date(match.group(1)), end, params)
    raise QuoteError(404, "not found")


def _api_path(path: str) -> str:
    stripped = path.rstrip("/") or "/"
    if stripped == "/v1" or stripped.startswith("/v1/"):
        stripped = stripped[3:] or "/"
    return stripped


class StandinHandler(BaseHTTPRequestHandler):
    """Request handler; the server object carries ``snapshot`` and ``faults``."""

    server: StandinServer
    server_version = "frankfurter-standin/1.0"
    protocol_version = "HTTP/1.1"
    # Keep-alive responses go out in two writes (headers, body); without TCP_NODELAY the second waits for
    # the client's delayed ACK (~40 ms), which made every uncached FX call look slow.
    disable_nagle_algorithm = True

    def log_message(self, fmt: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(fmt, *args)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/health":
            self._send(
                HTTPStatus.OK,
                {"status": "ok", "latest": self.server.snapshot.latest_day.isoformat()},
            )
            return
        if url.path == "/__control":
            self._send(HTTPStatus.OK, self.server.faults.snapshot())
            return
        self._answer_api(url.path, dict(parse_qsl(url.query)))

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/__control":
            self._send(HTTPStatus.NOT_FOUND, {"message": "not found"})
            return
        try:
            body = self._read_json()
            state = self.server.faults.update(body)
        except (TypeError, ValueError) as exc:
            self._send(HTTPStatus.BAD_REQUEST, {"message": str(exc)})
            return
        self._send(HTTPStatus.OK, state)

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer_api(self, path: str, params: dict[str, str]) -> None:
        delay, error_status = self.server.faults.plan()
        if delay:
            time.sleep(delay)
        if error_status is not None:
            self._send(error_status, {"message": "service unavailable"})
            return
        try:
            payload = route_api(self.server.snapshot, _api_path(path), params)
        except QuoteError as exc:
            self._send(exc.status, {"message": exc.message})
            return
        self._send(HTTPStatus.OK, payload, cache=True)

    def _read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON: {exc.msg}") from exc
        if not isinstance(body, dict):
            raise TypeError("body must be a JSON object")
        return body

    def _send(self, status: int, payload: dict[str, Any], cache: bool = False) -> None:
        body = json.dumps(payload, default=_json_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "public, max-age=900" if cache else "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        snapshot: Snapshot | None = None,
        faults: FaultState | None = None,
        quiet: bool = False,
    ) -> None:
        self.snapshot = snapshot or Snapshot.load()
        self.faults = faults or FaultState()
        self.quiet = quiet
        super().__init__(address, StandinHandler)
