"""Lambda entry point: the shared dispatcher around this service's app (HTTP, Kafka, schedule)."""

from __future__ import annotations

from typing import Any

from psycopg.pq import TransactionStatus

from bank_shared import db
from bank_shared.app import lambda_entrypoint
from notifications_service.api import EVENT_HANDLERS, app

_dispatch = lambda_entrypoint(app, consumer_name="notifications", event_handlers=EVENT_HANDLERS)


def _end_stray_transaction() -> None:
    """Guard: no invocation may leave the shared connection inside a transaction (the outbox sweeper's
    final count did), or every later UnitOfWork would become a savepoint that never commits."""
    connection = db._connection
    if connection is not None and not connection.closed and \
            connection.info.transaction_status != TransactionStatus.IDLE:
        connection.rollback()


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    try:
        return _dispatch(event, context)
    finally:
        _end_stray_transaction()
