"""logs.app → Splunk HEC for AWS (issue 12): the consumer function on an MSK event source that the template
switches on with the `SplunkHecUrl` parameter (docs/operations.md says why not MSK Connect).

It keeps the local Kafka Connect sink's guarantees (localstack/kafka_connect/hec_sink): a batch is posted to
HEC as one request and the invocation succeeds only when HEC answered 200, so the event source mapping commits
the batch's offsets only after HEC acknowledged it. Any other answer (503 while HEC is busy, a time-out, a
refused token) fails the invocation and the mapping retries the same batch with its backoff; nothing is
dropped (the mapping has no retry limit and no on-failure destination). At least once: events carry
`fields.kafka_position` = topic/partition/offset, so Splunk can recognise a re-sent batch.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx


class HecRefused(Exception):
    """HEC did not acknowledge the batch; the invocation fails so the batch is retried."""


def msk_records(event: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """An MSK event's records, partition by partition, in offset order."""
    for records in (event.get("records") or {}).values():
        yield from sorted(records, key=lambda r: int(r.get("offset", 0)))


def _request_id(record: dict[str, Any]) -> str | None:
    for header in record.get("headers") or []:
        for name, value in header.items():
            if name == "x-request-id":
                return bytes(value).decode("utf-8", "replace")
    return None


def hec_event(record: dict[str, Any], source: str = "logs.app", sourcetype: str = "_json") -> dict[str, Any]:
    raw = base64.b64decode(record.get("value") or b"").decode("utf-8", "replace")
    try:
        body: Any = json.loads(raw)
    except ValueError:
        body = raw
    fields = {"kafka_position": f"{record.get('topic')}/{record.get('partition')}/{record.get('offset')}"}
    request_id = _request_id(record)
    if request_id:
        fields["request_id"] = request_id
    event: dict[str, Any] = {"event": body if body not in ("", None) else "(empty)", "source": source,
                             "sourcetype": sourcetype, "fields": fields}
    if record.get("timestamp") is not None:
        event["time"] = int(record["timestamp"]) / 1000
    return event


def hec_body(event: dict[str, Any]) -> bytes:
    """One HEC request body for the whole MSK batch (concatenated JSON objects)."""
    return "\n".join(json.dumps(hec_event(r), separators=(",", ":")) for r in msk_records(event)).encode()


def post_batch(url: str, token: str, body: bytes, client: httpx.Client) -> None:
    if not body:
        return
    try:
        response = client.post(f"{url.rstrip('/')}/services/collector/event", content=body,
                               headers={"Authorization": f"Splunk {token}", "Content-Type": "application/json"})
    except httpx.HTTPError as exc:
        raise HecRefused(f"HEC unreachable: {exc}") from exc
    if response.status_code != 200:
        raise HecRefused(f"HEC answered {response.status_code}: {response.text[:200]}")
