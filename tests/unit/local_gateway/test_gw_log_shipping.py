"""The gateway's log shipper: worker lines → logs.app records; a refused batch is retried, not lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from local_gateway.log_shipping import LogShipper


class Producer:
    def __init__(self) -> None:
        self.down = False
        self.queued: list[tuple[bytes, Callable[[Any, Any], None]]] = []
        self.delivered: list[dict[str, Any]] = []

    def produce(self, topic: str, value: bytes, key: bytes | None = None, headers: Any = None,
                on_delivery: Callable[[Any, Any], None] | None = None) -> None:
        assert topic == "logs.app" and on_delivery is not None
        self.queued.append((value, on_delivery))

    def poll(self, timeout: float = 0) -> int:
        return 0

    def flush(self, timeout: float = 0) -> int:
        for value, callback in self.queued:
            if not self.down:
                self.delivered.append(json.loads(value))
            callback("broker down" if self.down else None, None)
        self.queued = []
        return 0


def test_lines_are_shipped_as_records_and_kept_while_kafka_is_down() -> None:
    producer = Producer()
    shipper = LogShipper("unused:1", producer=producer)
    line = json.dumps({"level": "INFO", "message": "transfer executed", "service": "ledger", "request_id": "r1"})
    producer.down = True
    shipper.submit(line, function="bank-local-ledger", service="ledger")
    shipper.submit("Traceback (most recent call last):", function="bank-local-ledger", service="ledger")
    shipper.ship_once()
    assert producer.delivered == [] and len(shipper.batcher.pending) == 2
    producer.down = False
    shipper.ship_once()
    assert [(r["message"], r["service"], r["function"]) for r in producer.delivered] == [
        ("transfer executed", "ledger", "bank-local-ledger"),
        ("Traceback (most recent call last):", "ledger", "bank-local-ledger")]
    assert shipper.batcher.pending == []
