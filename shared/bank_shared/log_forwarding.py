"""Log records → Kafka `logs.app` (issue 12): one forwarder for both paths.

- In AWS a CloudWatch Logs subscription filter on each function's log group invokes the log-forwarder
  function with a gzip+base64 payload; `decode_cloudwatch_logs` turns it into records.
- Locally the gateway emulator feeds each worker's stdout/stderr lines through `record_from_line`.

Either way the records go through `LogBatcher`, which produces them to `logs.app` in batches (by count and by
bytes) and reports failed deliveries, so the caller can retry (a Lambda invocation fails and CloudWatch Logs
retries it; the emulator keeps the batch). Each Kafka record is one Powertools JSON log record; its key is the
request id (so one request's lines stay in order on one partition) and the header `x-request-id` repeats it.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bank_shared.events.topics import LOGS_APP

# One record larger than this is cut (its message), so one runaway line cannot block a batch (Kafka's default
# max.message.bytes is 1 MB; MSK Serverless allows 8 MB).
MAX_RECORD_BYTES = 256 * 1024
REQUEST_ID_KEYS = ("request_id", "correlation_id")


class Producer(Protocol):
    """The part of confluent_kafka.Producer the batcher uses."""

    def produce(self, topic: str, value: bytes, key: bytes | None = ..., headers: Any = ...,
                on_delivery: Callable[[Any, Any], None] | None = ...) -> None: ...

    def poll(self, timeout: float = ...) -> int: ...

    def flush(self, timeout: float = ...) -> int: ...


class ForwardingFailed(Exception):
    """Some records of a batch were not acknowledged by Kafka; the batch must be retried."""


def record_from_line(line: str, *, function: str, service: str | None = None) -> dict[str, Any] | None:
    """One log line of a function → a record. Powertools JSON lines are taken as they are (with `function`
    added); any other non-empty line (a traceback, a print, the runtime's START/END) is wrapped as a record of
    level INFO with the function's service name, so nothing a function writes is dropped."""
    text = line.rstrip("\r\n")
    if not text.strip():
        return None
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and "level" in parsed and "message" in parsed:
            parsed.setdefault("function", function)
            return parsed
    return {"level": "INFO", "message": text, "service": service or function, "function": function, "raw": True}


def decode_cloudwatch_logs(event: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A CloudWatch Logs subscription event (`{"awslogs": {"data": base64(gzip(json))}}`) → its log group
    and one record per log event. A CONTROL_MESSAGE (sent once to check the destination) yields none."""
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    group = str(data.get("logGroup", ""))
    if data.get("messageType") != "DATA_MESSAGE":
        return group, []
    function = group.rsplit("/", 1)[-1]
    records = []
    for log_event in data.get("logEvents", []):
        record = record_from_line(str(log_event.get("message", "")), function=function)
        if record is not None:
            record.setdefault("timestamp", log_event.get("timestamp"))
            record["log_event_id"] = log_event.get("id")
            records.append(record)
    return group, records


def request_id_of(record: dict[str, Any]) -> str | None:
    for key in REQUEST_ID_KEYS:
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def encode(record: dict[str, Any]) -> bytes:
    value = json.dumps(record, separators=(",", ":"), default=str).encode()
    if len(value) <= MAX_RECORD_BYTES:
        return value
    cut = dict(record, message=str(record.get("message", ""))[: MAX_RECORD_BYTES // 2], truncated=True)
    cut.pop("exception", None)
    return json.dumps(cut, separators=(",", ":"), default=str).encode()[:MAX_RECORD_BYTES]


@dataclass
class LogBatcher:
    """Collects records and produces them to `logs.app` once `max_records` or `max_bytes` are reached (or on
    `flush`). `flush` waits for Kafka's acknowledgement of every record and raises ForwardingFailed (keeping
    the unacknowledged records for the next flush) when any delivery failed."""

    producer: Producer
    topic: str = LOGS_APP
    max_records: int = 500
    max_bytes: int = 900 * 1024
    flush_timeout: float = 10.0
    pending: list[tuple[bytes | None, bytes]] = field(default_factory=list)
    pending_bytes: int = 0
    sent: int = 0

    def add(self, record: dict[str, Any]) -> None:
        request_id = request_id_of(record)
        value = encode(record)
        self.pending.append((request_id.encode() if request_id else None, value))
        self.pending_bytes += len(value)
        if len(self.pending) >= self.max_records or self.pending_bytes >= self.max_bytes:
            self.flush()

    def add_all(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.add(record)

    def flush(self) -> int:
        """Produce everything pending and wait for the acknowledgements; the number of records sent."""
        if not self.pending:
            return 0
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        acked = [False] * len(batch)

        def delivered(index: int) -> Callable[[Any, Any], None]:
            def report(error: Any, _message: Any) -> None:
                acked[index] = error is None
            return report

        for index, (key, value) in enumerate(batch):
            headers = [("x-request-id", key)] if key else None
            try:
                self.producer.produce(self.topic, value, key=key, headers=headers, on_delivery=delivered(index))
            except BufferError:  # the local queue is full: let it drain, then try once more
                self.producer.poll(1.0)
                try:
                    self.producer.produce(self.topic, value, key=key, headers=headers,
                                          on_delivery=delivered(index))
                except BufferError:
                    continue  # stays unacknowledged, so it is kept below
        self.producer.flush(self.flush_timeout)
        # Unacknowledged = failed or not confirmed in time; kept in order for the next flush (at least once).
        failed = [item for item, ok in zip(batch, acked, strict=True) if not ok]
        if failed:
            self.pending = failed + self.pending
            self.pending_bytes = sum(len(value) for _, value in self.pending)
            raise ForwardingFailed(f"{len(failed)} of {len(batch)} log records not acknowledged by Kafka")
        self.sent += len(batch)
        return len(batch)
