"""Transactional outbox: events are written in the same transaction as the state change, relayed to
Kafka after commit, and swept by a schedule when the relay could not deliver (Kafka down, crash)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from bank_shared.db import Connection, UnitOfWork, get_connection
from bank_shared.events.envelope import CloudEvent
from bank_shared.events.kafka import get_producer
from bank_shared.events.schemas import check_event_data
from bank_shared.observability import gauge, logger
from bank_shared.settings import get_settings

RELAY_BATCH = 100


@dataclass
class RelayResult:
    published: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def record_event(uow: UnitOfWork, event: CloudEvent, topic: str | None = None) -> None:
    """Store `event` in this transaction's outbox and relay it once the transaction commits.

    The data must match the topic's model (bank_shared.events.schemas) as it will travel, JSON-encoded: a
    publisher that drifts from the contract fails here, in its own transaction, not in a consumer later."""
    payload = json.dumps(event.to_dict(), default=str)
    check_event_data(topic or event.type, json.loads(payload)["data"])
    uow.connection.execute(
        "INSERT INTO outbox (id, topic, message_key, payload) VALUES (%s, %s, %s, %s)",
        (event.id, topic or event.type, event.subject, payload),
    )
    relay_once_after_commit(uow)


def relay_once_after_commit(uow: UnitOfWork) -> None:
    """Relay this unit of work's outbox rows after it commits (registered once, however many events);
    for code that writes outbox rows itself, e.g. from a database function."""
    if not getattr(uow, "_outbox_relay_registered", False):
        connection = uow.connection
        uow.after_commit(lambda: relay_after_commit(connection))
        uow._outbox_relay_registered = True  # type: ignore[attr-defined]


def relay_after_commit(connection: Connection) -> None:
    """Best effort: a failure here never fails the request, the sweeper delivers later."""
    try:
        result = relay_pending(connection)
        if result.failed:
            logger.warning("outbox relay deferred to the sweeper", extra={"failed": result.failed})
    except Exception:  # noqa: BLE001 - the state change is committed; delivery is retried by the sweeper
        logger.exception("outbox relay failed; the sweeper will retry")


def _delivery_tracker(outcomes: dict[str, str | None], event_id: str) -> Any:
    def on_delivery(error: Any, _message: Any) -> None:
        outcomes[event_id] = None if error is None else str(error)

    return on_delivery


def relay_pending(connection: Connection | None = None, limit: int = RELAY_BATCH) -> RelayResult:
    """Publish up to `limit` unpublished rows, oldest first, with no transaction open while Kafka is called:
    the rows are leased in one short transaction (rows another relay holds are skipped), published, then marked
    published (or released for a later try) in another."""
    connection = connection or get_connection()
    result = RelayResult()
    rows = _lease(connection, limit)
    if not rows:
        return result
    outcomes = _publish(rows)
    delivered = [event_id for event_id, error in outcomes.items() if error is None]
    failed = {event_id: error for event_id, error in outcomes.items() if error is not None}
    with connection.transaction():
        if delivered:
            connection.execute(
                "UPDATE outbox SET published_at = now(), attempts = attempts + 1, leased_until = NULL "
                "WHERE id = ANY(%s::uuid[])", (delivered,))
        for event_id, error in failed.items():
            connection.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = %s, leased_until = NULL WHERE id = %s",
                (error, event_id))
    result.published, result.failed = len(delivered), len(failed)
    result.errors = sorted({str(error) for error in failed.values()})
    return result


def lease_seconds() -> float:
    """Long enough to outlast one publish (the producer's flush timeout) with a wide margin."""
    return 10 * get_settings().kafka_flush_timeout_seconds + 30


def _lease(connection: Connection, limit: int) -> list[dict[str, Any]]:
    with connection.transaction():
        rows = connection.execute(
            "UPDATE outbox SET leased_until = now() + make_interval(secs => %s) WHERE id IN ("
            " SELECT id FROM outbox WHERE published_at IS NULL AND (leased_until IS NULL OR leased_until < now())"
            " ORDER BY created_at, id LIMIT %s FOR UPDATE SKIP LOCKED"
            ") RETURNING id, topic, message_key, payload, created_at",
            (lease_seconds(), limit),
        ).fetchall()
    return sorted(rows, key=lambda row: (row["created_at"], str(row["id"])))


def _publish(rows: list[dict[str, Any]]) -> dict[str, str | None]:
    producer = get_producer()
    outcomes: dict[str, str | None] = {}
    for row in rows:
        event_id = str(row["id"])
        outcomes[event_id] = "not delivered before the flush timeout"
        payload = row["payload"]
        headers = [("ce_id", event_id.encode()), ("ce_type", str(payload.get("type", "")).encode()),
                   ("content-type", b"application/cloudevents+json")]
        if payload.get("correlationid"):  # the request that caused the event, for consumers and log search
            headers.append(("x-request-id", str(payload["correlationid"]).encode()))
        try:
            producer.produce(
                row["topic"],
                key=row["message_key"].encode(),
                value=json.dumps(payload, separators=(",", ":")).encode(),
                headers=headers,
                on_delivery=_delivery_tracker(outcomes, event_id),
            )
        except Exception as error:  # noqa: BLE001 - a full local queue or unknown topic; retried later
            outcomes[event_id] = str(error)
    producer.flush(get_settings().kafka_flush_timeout_seconds)
    return outcomes


def sweep_outbox(max_batches: int = 20) -> dict[str, int]:
    """The scheduled sweeper: relay until the outbox is empty, Kafka fails, or the batch budget is spent."""
    total = RelayResult()
    for _ in range(max_batches):
        batch = relay_pending()
        total.published += batch.published
        total.failed += batch.failed
        if batch.failed or batch.published < RELAY_BATCH:
            break
    pending = get_connection().execute(
        "SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS oldest_seconds "
        "FROM outbox WHERE published_at IS NULL").fetchone()
    summary = {"published": total.published, "failed": total.failed, "pending": int(pending["n"]) if pending else 0}
    oldest = float(pending["oldest_seconds"]) if pending else 0.0
    gauge("OutboxBacklog", summary["pending"])
    gauge("OutboxOldestAgeSeconds", round(oldest, 1), MetricUnit.Seconds)
    logger.info("outbox sweep", extra={**summary, "oldest_seconds": round(oldest, 1)})
    return summary
