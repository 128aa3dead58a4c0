"""Retention of the tables every service owns (see sql/0001_shared_baseline.sql), run by each function's
schedule (bank_shared.app.lambda_entrypoint) after its outbox sweep.

* outbox rows already relayed to Kafka: 7 days (`RETENTION_OUTBOX_HOURS`), so support and the ledger
  audit can trace an event back to its transaction for a week; rows not yet relayed are never pruned;
* processed-event rows (the consumers' inbox): 14 days (`RETENTION_PROCESSED_EVENTS_HOURS`, at least 24),
  longer than Kafka keeps a message (7 days), so a redelivery never finds its de-duplication row gone;
* stored Idempotency-Key responses: 48 hours (`RETENTION_IDEMPOTENCY_KEYS_HOURS`, at least 24): a client
  retrying within two days gets the stored answer; after that the key may be used again.

Each table is pruned in batches (`RETENTION_BATCH` rows per statement, at most `RETENTION_MAX_BATCHES` per
run), each batch its own short transaction, so pruning never holds locks for long and catches up over a
few runs after a long outage.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bank_shared.db import Connection, get_connection
from bank_shared.observability import logger


class RetentionSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    retention_outbox_hours: int = Field(default=7 * 24, ge=1)
    retention_processed_events_hours: int = Field(default=14 * 24, ge=24)
    retention_idempotency_keys_hours: int = Field(default=48, ge=24)
    retention_batch: int = Field(default=5000, ge=1, le=100_000)
    retention_max_batches: int = Field(default=10, ge=1)


# Per table, one statement taking (hours, batch) that deletes up to `batch` rows past their window.
DELETE_BATCH: dict[str, str] = {
    "outbox": (
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL "
        "AND published_at < now() - make_interval(hours => %s) ORDER BY published_at LIMIT %s)"),
    "processed_events": (
        "DELETE FROM processed_events WHERE (consumer, event_id) IN (SELECT consumer, event_id "
        "FROM processed_events WHERE processed_at < now() - make_interval(hours => %s) "
        "ORDER BY processed_at LIMIT %s)"),
    "idempotency_keys": (
        "DELETE FROM idempotency_keys WHERE (scope, idempotency_key) IN (SELECT scope, idempotency_key "
        "FROM idempotency_keys WHERE created_at < now() - make_interval(hours => %s) "
        "ORDER BY created_at LIMIT %s)"),
}


def _hours(settings: RetentionSettings) -> dict[str, int]:
    return {"outbox": settings.retention_outbox_hours,
            "processed_events": settings.retention_processed_events_hours,
            "idempotency_keys": settings.retention_idempotency_keys_hours}


def prune_expired(connection: Connection | None = None, settings: RetentionSettings | None = None) -> dict[str, int]:
    """Delete what is past its window; returns the rows deleted per table."""
    connection = connection or get_connection()
    settings = settings or RetentionSettings()
    deleted: dict[str, int] = {}
    for name, hours in _hours(settings).items():
        deleted[name] = 0
        for _ in range(settings.retention_max_batches):
            with connection.transaction():
                count = connection.execute(DELETE_BATCH[name], (hours, settings.retention_batch)).rowcount
            deleted[name] += count
            if count < settings.retention_batch:
                break
    if any(deleted.values()):
        logger.info("retention pruned expired rows", extra={"pruned": deleted})
    return deleted
