"""bank_shared.log_forwarding: CloudWatch Logs payloads decoded, lines turned into records, batches produced
to logs.app and kept when Kafka does not acknowledge them."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest

from bank_shared.log_forwarding import (
    ForwardingFailed,
    LogBatcher,
    decode_cloudwatch_logs,
    record_from_line,
)


def cloudwatch_event(messages: list[str], message_type: str = "DATA_MESSAGE") -> dict[str, Any]:
    payload = {"messageType": message_type, "owner": "123456789012", "logGroup": "/aws/lambda/bank-dev-ledger",
               "logStream": "2026/12/03/[live]abc", "subscriptionFilters": ["bank-dev-ledger-logs-app"],
               "logEvents": [{"id": str(i), "timestamp": 1764700000000 + i, "message": m}
                             for i, m in enumerate(messages)]}
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()}}


class FakeProducer:
    """Acknowledges like confluent_kafka: callbacks run during flush; `fail` names values Kafka refuses."""

    def __init__(self, fail: set[bytes] | None = None) -> None:
        self.fail = fail or set()
        self.queued: list[tuple[str, bytes, bytes | None, Any, Callable[[Any, Any], None] | None]] = []
        self.delivered: list[tuple[str, bytes, bytes | None, Any]] = []

    def produce(self, topic: str, value: bytes, key: bytes | None = None, headers: Any = None,
                on_delivery: Callable[[Any, Any], None] | None = None) -> None:
        self.queued.append((topic, value, key, headers, on_delivery))

    def poll(self, timeout: float = 0) -> int:
        return 0

    def flush(self, timeout: float = 0) -> int:
        for topic, value, key, headers, callback in self.queued:
            error = "broker down" if value in self.fail else None
            if error is None:
                self.delivered.append((topic, value, key, headers))
            if callback:
                callback(error, None)
        self.queued = []
        return 0


def test_a_cloudwatch_payload_becomes_one_record_per_log_event() -> None:
    line = json.dumps({"level": "INFO", "message": "transfer executed", "service": "ledger",
                       "request_id": "req-1", "cold_start": False})
    group, records = decode_cloudwatch_logs(cloudwatch_event([line, "START RequestId: x Version: 7\n", " "]))
    assert group == "/aws/lambda/bank-dev-ledger"
    assert [r["message"] for r in records] == ["transfer executed", "START RequestId: x Version: 7"]
    assert records[0]["service"] == "ledger" and records[0]["request_id"] == "req-1"
    assert records[0]["function"] == "bank-dev-ledger" and records[0]["timestamp"] == 1764700000000
    assert records[1] == {"level": "INFO", "message": "START RequestId: x Version: 7", "service": "bank-dev-ledger",
                          "function": "bank-dev-ledger", "raw": True, "timestamp": 1764700000001,
                          "log_event_id": "1"}


def test_the_control_message_yields_no_record() -> None:
    assert decode_cloudwatch_logs(cloudwatch_event(["CWL CONTROL MESSAGE"], "CONTROL_MESSAGE"))[1] == []


def test_a_json_line_without_powertools_keys_is_wrapped_not_lost() -> None:
    record = record_from_line('{"not": "powertools"}', function="LedgerFunction", service="ledger")
    assert record == {"level": "INFO", "message": '{"not": "powertools"}', "service": "ledger",
                      "function": "LedgerFunction", "raw": True}
    assert record_from_line("\n", function="LedgerFunction") is None


def test_records_are_produced_keyed_by_request_id_in_batches_by_count() -> None:
    producer = FakeProducer()
    batcher = LogBatcher(producer, max_records=2)
    batcher.add({"level": "INFO", "message": "a", "request_id": "req-1"})
    assert producer.delivered == []
    batcher.add({"level": "INFO", "message": "b", "correlation_id": "req-2"})
    assert [(t, k, h) for t, _, k, h in producer.delivered] == [
        ("logs.app", b"req-1", [("x-request-id", b"req-1")]), ("logs.app", b"req-2", [("x-request-id", b"req-2")])]
    batcher.add({"level": "INFO", "message": "no id"})
    assert batcher.flush() == 1
    assert producer.delivered[-1][2] is None and batcher.sent == 3


def test_a_batch_is_flushed_by_size() -> None:
    producer = FakeProducer()
    batcher = LogBatcher(producer, max_records=1000, max_bytes=200)
    for i in range(3):
        batcher.add({"level": "INFO", "message": "x" * 90, "n": i})
    assert len(producer.delivered) == 2 and len(batcher.pending) == 1


def test_unacknowledged_records_stay_pending_in_order_and_go_out_on_the_next_flush() -> None:
    batcher = LogBatcher(FakeProducer(), max_records=100)
    for message in ("a", "b", "c"):
        batcher.add({"level": "INFO", "message": message})
    refused = {json.dumps({"level": "INFO", "message": m}, separators=(",", ":")).encode() for m in ("a", "c")}
    batcher.producer = FakeProducer(fail=refused)
    with pytest.raises(ForwardingFailed, match="2 of 3"):
        batcher.flush()
    assert [json.loads(v)["message"] for _, v in batcher.pending] == ["a", "c"]
    healthy = FakeProducer()
    batcher.producer = healthy
    assert batcher.flush() == 2
    assert [json.loads(v)["message"] for _, v, _, _ in healthy.delivered] == ["a", "c"]


def test_an_oversized_record_is_cut_not_dropped() -> None:
    producer = FakeProducer()
    batcher = LogBatcher(producer)
    batcher.add({"level": "ERROR", "message": "y" * 400_000, "exception": "z" * 400_000, "request_id": "r"})
    batcher.flush()
    value = producer.delivered[0][1]
    assert len(value) <= 256 * 1024 and json.loads(value)["truncated"] is True
