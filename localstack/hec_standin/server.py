"""A local stand-in for Splunk's HTTP Event Collector (HEC), the end of the logs path (docs/operations.md).

Splunk's API (what the sink connector uses):

* ``POST /services/collector/event`` (also ``/services/collector`` and ``.../event/1.0``) with
  ``Authorization: Splunk <token>``; the body is one or more concatenated JSON event objects
  (``{"event": ..., "time": ..., "host": ..., "source": ..., "sourcetype": ..., "index": ..., "fields": {...}}``).
  Answers as Splunk does: 200 ``{"text": "Success", "code": 0}``; 401 code 2 (token missing); 403 code 4
  (token invalid); 400 code 5 (no data) or 6 (invalid data format, nothing of the request is kept); 503 code 9
  (server busy) while the stand-in is switched unavailable. A request is stored all or nothing, so a 4xx/5xx
  answer means none of its events arrived.
* ``GET /services/collector/health``: 200 code 17 ("HEC is healthy"), 503 code 9 while unavailable.

Indexer acknowledgement is not implemented: the sink counts a 200 as acknowledged (a Splunk HEC token without
"indexer acknowledgement" answers the same way).

Outside Splunk's API, never unavailable and without the token:

* ``GET /__events?request_id=&service=&level=&limit=`` what arrived, oldest first; ``request_id`` matches the
  event's ``request_id`` or ``correlation_id`` (or the same keys in ``fields``).
* ``GET /__stats``: counts (events, requests, refused requests, and duplicates: events with the same
  ``fields.kafka_position``, i.e. topic/partition/offset).
* ``POST /__control`` ``{"unavailable_seconds": 60}`` answers 503 for that long (0 ends it at once);
  ``{"clear": true}`` forgets every stored event. ``GET /__control`` shows the state.

Events are kept in memory and appended to ``--store`` (JSON lines), which is read back at start.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from standin_server import send_json

EVENT_PATHS = ("/services/collector/event", "/services/collector", "/services/collector/event/1.0")
HEALTH_PATHS = ("/services/collector/health", "/services/collector/health/1.0")
MAX_BODY = 64 * 1024 * 1024


class InvalidData(ValueError):
    pass


def parse_events(body: bytes) -> list[dict[str, Any]]:
    """Concatenated JSON objects (optionally whitespace-separated) → events; InvalidData for anything else
    or an object without an ``event`` field."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidData("not UTF-8") from exc
    decoder = json.JSONDecoder()
    events: list[dict[str, Any]] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return events
        try:
            obj, index = decoder.raw_decode(text, index)
        except ValueError as exc:
            raise InvalidData(str(exc)) from exc
        if not isinstance(obj, dict) or "event" not in obj or obj["event"] in ("", None):
            raise InvalidData("every object needs a non-empty 'event'")
        events.append(obj)


def _keys(entry: dict[str, Any], *names: str) -> set[str]:
    found = set()
    event = entry.get("event")
    fields = entry.get("fields") or {}
    for source in (event if isinstance(event, dict) else {}, fields if isinstance(fields, dict) else {}):
        for name in names:
            value = source.get(name)
            if isinstance(value, str) and value:
                found.add(value)
    return found


class Store:
    """Received events (thread-safe), mirrored to a JSON-lines file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self.requests = 0
        self.refused = 0
        self.unavailable_until = 0.0
        if path and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self.events.append(json.loads(line))

    def add(self, events: list[dict[str, Any]]) -> None:
        now = time.time()
        stored = [dict(event, received_at=now) for event in events]
        with self._lock:
            self.requests += 1
            self.events.extend(stored)
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.writelines(json.dumps(event, separators=(",", ":")) + "\n" for event in stored)

    def clear(self) -> None:
        with self._lock:
            self.events = []
            self.requests = self.refused = 0
            if self.path and self.path.exists():
                self.path.unlink()

    def search(self, request_id: str | None, service: str | None, level: str | None,
               limit: int) -> list[dict[str, Any]]:
        with self._lock:
            events = list(self.events)
        out = []
        for entry in events:
            if request_id and request_id not in _keys(entry, "request_id", "correlation_id"):
                continue
            if service and service not in _keys(entry, "service"):
                continue
            if level and level.upper() not in {k.upper() for k in _keys(entry, "level")}:
                continue
            out.append(entry)
        return out[-limit:] if limit else out

    def stats(self) -> dict[str, Any]:
        with self._lock:
            events = list(self.events)
            requests, refused = self.requests, self.refused
        offsets = [_keys(e, "kafka_position") for e in events]
        positions = [next(iter(o)) for o in offsets if o]
        return {"events": len(events), "requests": requests, "refused_requests": refused,
                "duplicates": len(positions) - len(set(positions)),
                "unavailable_for_seconds": max(0.0, round(self.unavailable_until - time.time(), 1))}


class HecServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], token: str, store: Store) -> None:
        super().__init__(address, HecHandler)
        self.token = token
        self.store = store


class HecHandler(BaseHTTPRequestHandler):
    server: HecServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any]) -> None:
        send_json(self, status, body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise InvalidData("body too large")
        return self.rfile.read(length) if length else b""

    def _unavailable(self) -> bool:
        return time.time() < self.server.store.unavailable_until

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        store = self.server.store
        if url.path in HEALTH_PATHS:
            if self._unavailable():
                self._send(503, {"text": "Server is busy", "code": 9})
            else:
                self._send(200, {"text": "HEC is healthy", "code": 17})
        elif url.path == "/__events":
            try:
                limit = int(query.get("limit", "0"))
            except ValueError:
                self._send(400, {"text": "limit must be a number"})
                return
            events = store.search(query.get("request_id"), query.get("service"), query.get("level"), limit)
            self._send(200, {"count": len(events), "events": events})
        elif url.path == "/__stats":
            self._send(200, store.stats())
        elif url.path == "/__control":
            self._send(200, {"unavailable_for_seconds": store.stats()["unavailable_for_seconds"]})
        else:
            self._send(404, {"text": "The requested URL was not found on this server.", "code": 404})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        store = self.server.store
        try:
            body = self._body()
        except (InvalidData, ValueError):
            self._send(400, {"text": "Invalid data format", "code": 6})
            return
        if url.path == "/__control":
            self._control(body)
            return
        if url.path not in EVENT_PATHS:
            self._send(404, {"text": "The requested URL was not found on this server.", "code": 404})
            return
        if self._unavailable():
            store.refused += 1
            self._send(503, {"text": "Server is busy", "code": 9})
            return
        auth = self.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if not auth:
            self._send(401, {"text": "Token is required", "code": 2})
            return
        if scheme != "Splunk" or not hmac.compare_digest(token.strip().encode(), self.server.token.encode()):
            self._send(403, {"text": "Invalid token", "code": 4})
            return
        if not body.strip():
            self._send(400, {"text": "No data", "code": 5})
            return
        try:
            events = parse_events(body)
        except InvalidData:
            self._send(400, {"text": "Invalid data format", "code": 6})
            return
        store.add(events)
        self._send(200, {"text": "Success", "code": 0})

    def _control(self, body: bytes) -> None:
        store = self.server.store
        try:
            changes = json.loads(body or b"{}")
            if not isinstance(changes, dict) or set(changes) - {"unavailable_seconds", "clear"}:
                raise ValueError("fields: unavailable_seconds, clear")
            if "unavailable_seconds" in changes:
                seconds = float(changes["unavailable_seconds"])
                if not 0 <= seconds <= 3600:
                    raise ValueError("unavailable_seconds must be 0..3600")
                store.unavailable_until = time.time() + seconds
            if changes.get("clear"):
                store.clear()
        except (ValueError, TypeError) as exc:
            self._send(400, {"text": str(exc)})
            return
        self._send(200, {"unavailable_for_seconds": store.stats()["unavailable_for_seconds"]})
