"""Idempotent Kafka consumers for MSK event-source batches.

Each record's effect and its row in `processed_events` commit in one transaction, so a redelivered or
replayed event changes nothing. A record that is not a CloudEvent can never succeed and is logged and
skipped rather than blocking its partition.

A handler is either a plain `(uow, event)` function (writes only) or a `TwoPhase` handler: its `look_up`
runs before the unit of work opens and gathers what the event needs from other services (it must be safe to
repeat: a redelivery asks again), its `apply` gets the answer inside the transaction and only writes. Effects
outside the database (a mail, a push) are queued as rows by `apply` and sent after the commit
(`uow.after_commit`), so no network call happens while the transaction is open.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bank_shared.db import Connection, UnitOfWork
from bank_shared.events.envelope import CloudEvent
from bank_shared.observability import bind_request_id, count, logger

Found = TypeVar("Found")


@dataclass(frozen=True)
class TwoPhase(Generic[Found]):
    """A consumer whose event needs answers from other services: `look_up` (no transaction open, repeatable)
    then `apply` (inside the processed-event transaction, writes only)."""

    look_up: Callable[[CloudEvent], Found]
    apply: Callable[[UnitOfWork, CloudEvent, Found], None]


EventHandler = Callable[[UnitOfWork, CloudEvent], None] | TwoPhase[Any]


def _apply(handler: EventHandler, consumer: str, event: CloudEvent) -> bool:
    """Run `handler` for `event` once; False when this consumer had already applied it."""
    found = handler.look_up(event) if isinstance(handler, TwoPhase) else None
    with UnitOfWork() as uow:
        if not mark_processed(uow.connection, consumer, event.id):
            return False
        if isinstance(handler, TwoPhase):
            handler.apply(uow, event, found)
        else:
            handler(uow, event)
    return True


def mark_processed(connection: Connection, consumer: str, event_id: str) -> bool:
    """True the first time this consumer sees `event_id` (in the caller's transaction)."""
    row = connection.execute(
        "INSERT INTO processed_events (consumer, event_id) VALUES (%s, %s) "
        "ON CONFLICT DO NOTHING RETURNING event_id",
        (consumer, event_id),
    ).fetchone()
    return row is not None


def decode_records(event: dict[str, Any]) -> list[tuple[str, Any]]:
    """(topic, parsed JSON value or None when not JSON) for every record, in partition order."""
    from aws_lambda_powertools.utilities.data_classes import KafkaEvent

    decoded: list[tuple[str, Any]] = []
    for record in KafkaEvent(event).records:
        try:
            decoded.append((record.topic, json.loads(record.decoded_value)))
        except (ValueError, TypeError):
            decoded.append((record.topic, None))
    return decoded


def handle_kafka_batch(event: dict[str, Any], consumer: str, handlers: Mapping[str, EventHandler]) -> dict[str, int]:
    """Apply every record once. An exception propagates so the event source retries the batch."""
    counts = {"applied": 0, "duplicates": 0, "skipped": 0}
    for topic, value in decode_records(event):
        try:
            cloud_event = CloudEvent.from_dict(value) if isinstance(value, dict) else None
        except ValueError:
            cloud_event = None
        handler = handlers.get(cloud_event.type) if cloud_event else None
        if cloud_event is None or handler is None:
            logger.error("skipping a record this consumer cannot handle", extra={"topic": topic})
            counts["skipped"] += 1
            continue
        # Every record starts its own context: the event's correlation id (the request that caused it), or
        # the event's own id, never the previous record's (a warm consumer would carry a stale one).
        bind_request_id(cloud_event.correlationid or cloud_event.id)
        try:
            counts["applied" if _apply(handler, consumer, cloud_event) else "duplicates"] += 1
        except Exception:
            count("ConsumerFailures", consumer=consumer)
            raise
    logger.info("kafka batch handled", extra={"consumer": consumer, **counts})
    return counts
