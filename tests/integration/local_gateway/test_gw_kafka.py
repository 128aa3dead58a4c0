"""MSK event source mapping end to end: produce to Kafka, see the fixture consumer's effect."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest


def _produce(bootstrap: str, topic: str, *values: str) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap})
    for value in values:
        producer.produce(topic, value=value.encode(), key=b"k-" + value.encode(), headers=[("source", b"test")])
    assert producer.flush(15) == 0


def _seen(emulator: Any) -> list[dict]:
    if not emulator.consumer_output.exists():
        return []
    return [json.loads(line) for line in emulator.consumer_output.read_text().splitlines() if line]


def _wait_for(emulator: Any, predicate, timeout: float = 45) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = _seen(emulator)
        if predicate(seen):
            return seen
        time.sleep(0.3)
    raise AssertionError(f"consumer never saw the expected records: {_seen(emulator)}\n{emulator.log_text()[-4000:]}")


@pytest.fixture
def kafka_emulator(emulator: Any) -> Any:
    if not emulator.kafka:
        pytest.skip("BANK_KAFKA_BOOTSTRAP is not set")
    return emulator


def test_msk_mapping_delivers_then_retries_and_moves_on(kafka_emulator: Any) -> None:
    emulator = kafka_emulator
    _produce(emulator.kafka, emulator.topic, "hello")
    seen = _wait_for(emulator, lambda rows: any(r["value"] == "hello" for r in rows))
    row = next(r for r in seen if r["value"] == "hello")
    assert row["source"] == "aws:kafka"
    assert row["arn"].startswith("arn:aws:kafka:")
    record = row["record"]
    assert record["topic"] == emulator.topic and record["partition"] == 0
    assert base64.b64decode(record["key"]) == b"k-hello"
    assert record["headers"] == [{"source": list(b"test")}]
    assert record["timestampType"] == "CREATE_TIME"

    # A failing batch is retried once (MaximumRetryAttempts: 1), reported, committed, and skipped.
    _produce(emulator.kafka, emulator.topic, "fail")
    _wait_for(emulator, lambda rows: sum(r["value"] == "fail" for r in rows) >= 2)
    _produce(emulator.kafka, emulator.topic, "after")
    seen = _wait_for(emulator, lambda rows: any(r["value"] == "after" for r in rows))
    assert sum(r["value"] == "fail" for r in seen) == 2
    assert sum(r["value"] == "hello" for r in seen) == 1  # committed: never redelivered
    assert "on-failure destination" in emulator.log_text() or "on-failure record sent" in emulator.log_text()
