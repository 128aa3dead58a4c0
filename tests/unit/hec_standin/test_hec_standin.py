"""The HEC stand-in answers as Splunk's HTTP Event Collector does (token, batch format, 503 switch) and finds
what arrived by request id, service and level."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

LOCALSTACK_DIR = Path(__file__).resolve().parents[3] / "localstack"
if str(LOCALSTACK_DIR) not in sys.path:
    sys.path.insert(0, str(LOCALSTACK_DIR))

from hec_standin.server import HecServer, InvalidData, Store, parse_events  # noqa: E402

TOKEN = "6f1c0e4a-0000-4000-8000-000000000001"


@pytest.fixture
def hec(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    store_file = tmp_path / "events.jsonl"
    server = HecServer(("127.0.0.1", 0), TOKEN, Store(store_file))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", store_file
    server.shutdown()
    server.server_close()


def call(url: str, body: bytes | None = None, token: str | None = TOKEN) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")  # noqa: S310
    if token is not None:
        request.add_header("Authorization", f"Splunk {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:  # noqa: S310
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def event(message: str, request_id: str, service: str = "ledger", level: str = "INFO") -> dict[str, Any]:
    return {"event": {"level": level, "message": message, "service": service, "request_id": request_id},
            "sourcetype": "_json", "source": "logs.app", "fields": {"kafka_position": f"logs.app/0/{message}"}}


def batch(*events: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(e) for e in events).encode()


def test_a_batch_is_stored_and_found_by_request_id_service_and_level(hec: tuple[str, Path]) -> None:
    url, store_file = hec
    status, body = call(f"{url}/services/collector/event", batch(
        event("1", "req-a"), event("2", "req-b", "auth", "WARNING"), event("3", "req-a", "notifications", "ERROR")))
    assert (status, body) == (200, {"text": "Success", "code": 0})
    status, found = call(f"{url}/__events?request_id=req-a", token=None)
    assert [e["event"]["message"] for e in found["events"]] == ["1", "3"]
    assert [e["event"]["message"] for e in call(f"{url}/__events?service=auth")[1]["events"]] == ["2"]
    assert [e["event"]["message"] for e in call(f"{url}/__events?level=error")[1]["events"]] == ["3"]
    assert len(store_file.read_text().splitlines()) == 3
    assert Store(store_file).search("req-b", None, None, 0)[0]["event"]["service"] == "auth"


@pytest.mark.parametrize(("token", "status", "code"), [(None, 401, 2), ("wrong", 403, 4)])
def test_the_token_is_checked(hec: tuple[str, Path], token: str | None, status: int, code: int) -> None:
    url, _ = hec
    assert call(f"{url}/services/collector/event", batch(event("1", "r")), token=token) == (
        status, {"text": "Token is required" if code == 2 else "Invalid token", "code": code})
    assert call(f"{url}/__stats")[1]["events"] == 0


def test_a_malformed_batch_is_refused_whole(hec: tuple[str, Path]) -> None:
    url, _ = hec
    body = batch(event("1", "r")) + b'{"event": '
    assert call(f"{url}/services/collector/event", body) == (400, {"text": "Invalid data format", "code": 6})
    assert call(f"{url}/services/collector/event", b" ") == (400, {"text": "No data", "code": 5})
    assert call(f"{url}/__stats")[1]["events"] == 0


def test_the_503_switch_refuses_events_and_health_until_it_is_turned_off(hec: tuple[str, Path]) -> None:
    url, _ = hec
    assert call(f"{url}/services/collector/health") == (200, {"text": "HEC is healthy", "code": 17})
    assert call(f"{url}/__control", json.dumps({"unavailable_seconds": 60}).encode())[0] == 200
    assert call(f"{url}/services/collector/event", batch(event("1", "r"))) == (
        503, {"text": "Server is busy", "code": 9})
    assert call(f"{url}/services/collector/health")[0] == 503
    call(f"{url}/__control", json.dumps({"unavailable_seconds": 0}).encode())
    assert call(f"{url}/services/collector/event", batch(event("1", "r")))[0] == 200
    stats = call(f"{url}/__stats")[1]
    assert (stats["events"], stats["refused_requests"], stats["duplicates"]) == (1, 1, 0)
    assert call(f"{url}/__control", b'{"bogus": 1}')[0] == 400


def test_parse_events_needs_an_event_field() -> None:
    assert parse_events(b'{"event":"a"}{"event":{"b":1}}') == [{"event": "a"}, {"event": {"b": 1}}]
    with pytest.raises(InvalidData):
        parse_events(b'{"time": 1}')
