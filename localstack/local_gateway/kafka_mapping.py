"""MSK event source mappings: a consumer group per mapping feeding batches to the function.

Each mapping runs in its own thread (confluent-kafka is blocking). Offsets are committed only
after the function succeeded, or after the retries are exhausted and the batch was reported to the
on-failure destination, which is what Lambda does. A missing broker is waited for, never fatal.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from .events import KafkaRecord, build_msk_event, build_msk_failure_record
from .template import FunctionSpec, MskMapping
from .workers import Invocation

log = logging.getLogger("local_gateway.kafka")

Invoke = Callable[[dict[str, Any]], Invocation]
ERROR_LOG_INTERVAL_SECONDS = 30.0
RETRY_BACKOFF_SECONDS = 0.5  # doubled per attempt up to MAX_RETRY_BACKOFF_SECONDS, as Lambda backs off
MAX_RETRY_BACKOFF_SECONDS = 30.0


def record_from_message(message: Any) -> KafkaRecord:
    from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME

    ts_type, ts = message.timestamp()
    return KafkaRecord(
        topic=message.topic(),
        partition=message.partition(),
        offset=message.offset(),
        timestamp=ts,
        timestamp_type="LOG_APPEND_TIME" if ts_type == TIMESTAMP_LOG_APPEND_TIME else "CREATE_TIME",
        key=message.key(),
        value=message.value(),
        headers=list(message.headers() or []),
    )


def send_to_sqs_destination(destination_arn: str, body: dict[str, Any]) -> None:
    """Deliver an on-failure record to an SQS queue in LocalStack; log when that is impossible."""
    parts = destination_arn.split(":")
    if len(parts) < 6 or parts[2] != "sqs":
        log.error("on-failure destination %s is not an SQS queue; record dropped: %s",
                  destination_arn, json.dumps(body))
        return
    try:
        from botocore.config import Config

        from localstack_session import localstack_client

        client = localstack_client(
            "sqs", os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
            parts[3] or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2}),
        )
        url = client.get_queue_url(QueueName=parts[-1])["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody=json.dumps(body))
        log.info("on-failure record sent to %s", parts[-1])
    except Exception as exc:  # noqa: BLE001 - LocalStack down or queue missing: log, move on
        log.error("on-failure destination %s unreachable (%s); record: %s", destination_arn, exc, json.dumps(body))


class MskPoller:
    def __init__(self, mapping: MskMapping, spec: FunctionSpec, bootstrap: str, invoke: Invoke,
                 send_failure: Callable[[str, dict[str, Any]], None] = send_to_sqs_destination) -> None:
        self.mapping = mapping
        self.spec = spec
        self.bootstrap = bootstrap
        self._invoke = invoke
        self._send_failure = send_failure
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_error_log = 0.0
        self.state: dict[str, Any] = {"status": "starting", "batches": 0, "failed_batches": 0}

    @property
    def name(self) -> str:
        return f"{self.mapping.function_id}.{self.mapping.event_name}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"msk-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def _config(self) -> dict[str, Any]:
        reset = "earliest" if self.mapping.starting_position in ("TRIM_HORIZON", "AT_TIMESTAMP") else "latest"
        return {
            "bootstrap.servers": self.bootstrap,
            "group.id": self.mapping.group_id,
            "enable.auto.commit": False,
            "auto.offset.reset": reset,
            "session.timeout.ms": 10000,
            "topic.metadata.refresh.interval.ms": 5000,  # notice topics created after we start
            "reconnect.backoff.ms": 500,
            "reconnect.backoff.max.ms": 5000,
            "log_level": 2,  # librdkafka's own connect-failure spam; errors arrive via error_cb, throttled
            "error_cb": self._on_client_error,
        }

    def _on_client_error(self, error: Any) -> None:
        self.state["last_error"] = str(error)
        self._log_throttled("%s: kafka: %s", self.name, error)

    def _log_throttled(self, fmt: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._last_error_log >= ERROR_LOG_INTERVAL_SECONDS:
            self._last_error_log = now
            log.warning(fmt, *args)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                from confluent_kafka import Consumer

                consumer = Consumer(self._config())
            except Exception as exc:  # noqa: BLE001 - bad config or missing library: retry later
                self.state.update(status="error", last_error=str(exc))
                self._log_throttled("%s: cannot create consumer: %s", self.name, exc)
                self._stop.wait(5)
                continue
            try:
                consumer.subscribe(self.mapping.topics)
                self.state["status"] = "polling"
                log.info("%s: consuming %s as group %s (%s)", self.name, self.mapping.topics,
                         self.mapping.group_id, self.mapping.starting_position)
                self._poll_loop(consumer)
            except Exception as exc:
                self.state.update(status="error", last_error=str(exc))
                log.exception("%s: consumer loop failed; restarting", self.name)
                self._stop.wait(2)
            finally:
                with contextlib.suppress(Exception):  # closing a broken consumer is best effort
                    consumer.close()
        self.state["status"] = "stopped"

    def _poll_loop(self, consumer: Any) -> None:
        while not self._stop.is_set():
            messages = consumer.consume(num_messages=self.mapping.batch_size,
                                        timeout=self.mapping.batching_window_s)
            records = []
            for message in messages:
                if message.error():
                    self.state["last_error"] = str(message.error())
                    self._log_throttled("%s: %s", self.name, message.error())
                    continue
                records.append(record_from_message(message))
            if records:
                self._deliver(consumer, records)

    def _deliver(self, consumer: Any, records: list[KafkaRecord]) -> None:
        event = build_msk_event(records, self.mapping.stream_arn, self.bootstrap)
        attempts = 0
        outcome: Invocation | None = None
        while (self.mapping.max_retries < 0 or attempts <= self.mapping.max_retries) and not self._stop.is_set():
            attempts += 1
            outcome = self._invoke(event)
            if outcome.ok:
                break
            log.warning("%s: batch of %d failed (%s, attempt %d)", self.name, len(records),
                        outcome.status, attempts)
            self._stop.wait(min(MAX_RETRY_BACKOFF_SECONDS, RETRY_BACKOFF_SECONDS * 2 ** (attempts - 1)))
        if outcome is None or (self._stop.is_set() and not outcome.ok):
            return  # shutting down: leave offsets uncommitted so the batch is redelivered
        self.state["batches"] += 1
        if not outcome.ok:
            self.state["failed_batches"] += 1
            self._report_failure(records, event, attempts, outcome)
        self._commit(consumer, records)

    def _report_failure(self, records: list[KafkaRecord], event: dict[str, Any], attempts: int,
                        outcome: Invocation) -> None:
        destination = self.mapping.on_failure_destination
        error_type = "Unhandled" if outcome.status == "error" else outcome.status.capitalize()
        body = build_msk_failure_record(records, self.mapping.stream_arn, self.bootstrap, self.spec.arn,
                                        attempts, error_type, len(json.dumps(event)))
        if destination:
            self._send_failure(destination, body)
        else:
            log.error("%s: batch discarded after %d attempts (no on-failure destination): %s",
                      self.name, attempts, json.dumps(body["KafkaBatchInfo"]))

    def _commit(self, consumer: Any, records: list[KafkaRecord]) -> None:
        from confluent_kafka import TopicPartition

        highest: dict[tuple[str, int], int] = {}
        for record in records:
            key = (record.topic, record.partition)
            highest[key] = max(highest.get(key, -1), record.offset)
        offsets = [TopicPartition(t, p, o + 1) for (t, p), o in highest.items()]
        try:
            consumer.commit(offsets=offsets, asynchronous=False)
        except Exception as exc:  # noqa: BLE001 - a failed commit means redelivery, as in Lambda
            log.warning("%s: offset commit failed: %s", self.name, exc)
