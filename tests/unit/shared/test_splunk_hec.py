"""bank_shared.splunk_hec: an MSK batch of logs.app becomes one HEC request; anything but HEC's 200 fails the
invocation (so the event source mapping keeps the offsets and retries)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from bank_shared.splunk_hec import HecRefused, hec_body, post_batch


def msk_event() -> dict[str, Any]:
    def record(offset: int, value: bytes, request_id: str | None) -> dict[str, Any]:
        headers = [{"x-request-id": list(request_id.encode())}] if request_id else []
        return {"topic": "logs.app", "partition": 1, "offset": offset, "timestamp": 1764700000123,
                "value": base64.b64encode(value).decode(), "headers": headers}
    line = json.dumps({"level": "INFO", "message": "transfer executed", "request_id": "r-1"}).encode()
    return {"eventSource": "aws:kafka", "records": {"logs.app-1": [
        record(8, b"not json", None), record(7, line, "r-1")]}}


def test_an_msk_batch_becomes_concatenated_hec_events_in_offset_order() -> None:
    lines = hec_body(msk_event()).decode().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first == {"event": {"level": "INFO", "message": "transfer executed", "request_id": "r-1"},
                     "source": "logs.app", "sourcetype": "_json", "time": 1764700000.123,
                     "fields": {"kafka_position": "logs.app/1/7", "request_id": "r-1"}}
    assert second["event"] == "not json" and second["fields"] == {"kafka_position": "logs.app/1/8"}


@pytest.mark.parametrize("status", [503, 403, 400])
def test_anything_but_200_fails_the_batch(status: int) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json={"text": "Server is busy", "code": 9})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client, pytest.raises(HecRefused, match=str(status)):
        post_batch("https://hec.example:8088/", "tok", b'{"event":"x"}', client)
    assert seen[0].url == "https://hec.example:8088/services/collector/event"
    assert seen[0].headers["authorization"] == "Splunk tok"


def test_200_acknowledges_and_an_unreachable_hec_fails() -> None:
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"code": 0}))) as client:
        post_batch("https://hec.example:8088", "tok", b'{"event":"x"}', client)

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(down)) as client, pytest.raises(HecRefused, match="unreachable"):
        post_batch("https://hec.example:8088", "tok", b'{"event":"x"}', client)
