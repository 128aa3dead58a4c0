"""Each worker's log lines → Kafka `logs.app`, through the same forwarder the AWS log-forwarder function uses
(bank_shared.log_forwarding), so the local stack exercises the Splunk path end to end (docs/operations.md).

Lines are queued by the log pumps (the event loop never waits on Kafka) and a thread produces them in batches
every `interval` seconds. A batch Kafka did not acknowledge stays pending and is retried on the next round, so
a broker restart delays lines but loses none (at least once; up to `max_pending` lines are held, the oldest
are dropped beyond that with a warning, so a long Kafka outage cannot exhaust the gateway's memory).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from bank_shared.log_forwarding import ForwardingFailed, LogBatcher, record_from_line

log = logging.getLogger("local_gateway.logs")


class LogShipper:
    def __init__(self, bootstrap: str, interval: float = 0.5, max_pending: int = 200_000,
                 producer: Any = None) -> None:
        self.interval = interval
        self.max_pending = max_pending
        self._queue: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._stop = threading.Event()
        if producer is None:
            from confluent_kafka import Producer

            producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                                 "linger.ms": 20, "message.timeout.ms": 10_000,
                                 "socket.connection.setup.timeout.ms": 3_000})
        self.batcher = LogBatcher(producer, flush_timeout=12.0)
        self._thread = threading.Thread(target=self._run, name="log-shipper", daemon=True)
        self._failing = False

    def start(self) -> None:
        self._thread.start()

    def submit(self, line: str, *, function: str, service: str | None) -> None:
        record = record_from_line(line, function=function, service=service)
        if record is not None:
            self._queue.put(record)

    def _drain(self) -> None:
        while True:
            try:
                record = self._queue.get_nowait()
            except queue.Empty:
                return
            self.batcher.add(record)

    def ship_once(self) -> None:
        try:
            self._drain()
            self.batcher.flush()
            if self._failing:
                log.info("logs.app reachable again; pending log lines delivered")
            self._failing = False
        except ForwardingFailed as exc:
            if not self._failing:
                log.warning("logs.app: %s; retrying", exc)
            self._failing = True
            excess = len(self.batcher.pending) - self.max_pending
            if excess > 0:
                del self.batcher.pending[:excess]
                log.warning("logs.app: dropped the %d oldest pending log lines (Kafka unreachable)", excess)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.ship_once()
        self.ship_once()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(15)
