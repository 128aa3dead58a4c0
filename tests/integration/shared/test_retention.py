"""Retention (bank_shared.retention) against real PostgreSQL: relayed outbox rows, processed events and
stored Idempotency-Key responses past their window are pruned in batches, nothing else is; and every
service's scheduled run (what EventBridge triggers in AWS) does it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from pydantic import ValidationError

from bank_shared.db import Connection, connect
from bank_shared.retention import RetentionSettings, prune_expired
from tests.support.scratch_db import shared_tables_copy
from tests.support.services import SERVICES
from tests.support.stack import database_url, gateway_url


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """The shared tables, copied with their indexes into a schema of this test's own (notifications DB)."""
    with shared_tables_copy("retention_test", ("outbox", "processed_events", "idempotency_keys")) as copy:
        yield copy


@pytest.fixture
def connection(url: str) -> Iterator[Connection]:
    conn = connect(url)
    for table in ("outbox", "processed_events", "idempotency_keys"):
        conn.execute(f"TRUNCATE {table}")
    yield conn
    conn.close()


def seed(connection: Connection, *, relayed_age_hours: list[float], unrelayed_age_hours: list[float],
         processed_age_hours: list[float], key_age_hours: list[float]) -> None:
    for age in relayed_age_hours:
        connection.execute(
            "INSERT INTO outbox (id, topic, message_key, payload, created_at, published_at) "
            "VALUES (%s, 't', 'k', '{}', now() - make_interval(hours => %s), now() - make_interval(hours => %s))",
            (uuid.uuid4(), age + 1, age))
    for age in unrelayed_age_hours:
        connection.execute(
            "INSERT INTO outbox (id, topic, message_key, payload, created_at) "
            "VALUES (%s, 't', 'k', '{}', now() - make_interval(hours => %s))", (uuid.uuid4(), age))
    for age in processed_age_hours:
        connection.execute("INSERT INTO processed_events (consumer, event_id, processed_at) "
                           "VALUES ('c', %s, now() - make_interval(hours => %s))", (str(uuid.uuid4()), age))
    for age in key_age_hours:
        connection.execute(
            "INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body, "
            "created_at) VALUES ('s', %s, 'h', 201, '{}', now() - make_interval(hours => %s))",
            (str(uuid.uuid4()), age))


def counts(connection: Connection) -> dict[str, int]:
    queries = {"relayed": "SELECT count(*) AS n FROM outbox WHERE published_at IS NOT NULL",
               "unrelayed": "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL",
               "processed": "SELECT count(*) AS n FROM processed_events",
               "keys": "SELECT count(*) AS n FROM idempotency_keys"}
    return {name: int((connection.execute(sql).fetchone() or {"n": 0})["n"]) for name, sql in queries.items()}


def test_only_what_is_past_its_window_is_pruned(connection: Connection) -> None:
    seed(connection, relayed_age_hours=[24 * 8, 24 * 30, 24 * 6], unrelayed_age_hours=[24 * 30, 1],
         processed_age_hours=[24 * 15, 24 * 13], key_age_hours=[49, 47, 24 * 10])
    deleted = prune_expired(connection, RetentionSettings())
    assert deleted == {"outbox": 2, "processed_events": 1, "idempotency_keys": 2}
    # relayed within 7 days, never relayed at all (however old), processed within 14 days, keys within 48 h
    assert counts(connection) == {"relayed": 1, "unrelayed": 2, "processed": 1, "keys": 1}
    assert prune_expired(connection, RetentionSettings()) == {"outbox": 0, "processed_events": 0,
                                                              "idempotency_keys": 0}


def test_pruning_goes_in_batches_and_catches_up_over_runs(connection: Connection) -> None:
    seed(connection, relayed_age_hours=[24 * 9] * 25, unrelayed_age_hours=[], processed_age_hours=[],
         key_age_hours=[72] * 7)
    settings = RetentionSettings(retention_batch=4, retention_max_batches=3)
    assert prune_expired(connection, settings) == {"outbox": 12, "processed_events": 0, "idempotency_keys": 7}
    assert prune_expired(connection, settings)["outbox"] == 12
    assert prune_expired(connection, settings)["outbox"] == 1
    assert counts(connection)["relayed"] == 0


def test_keys_are_kept_at_least_a_day() -> None:
    with pytest.raises(ValidationError):
        RetentionSettings(retention_idempotency_keys_hours=23)
    with pytest.raises(ValidationError):
        RetentionSettings(retention_processed_events_hours=12)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_prunes_on_its_schedule(service: str) -> None:
    """Rows past their window in the service's own database are gone after its scheduled run."""
    marker = f"retention-{uuid.uuid4()}"
    with psycopg.connect(database_url(service), autocommit=True) as conn:
        conn.execute("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, "
                     "response_body, created_at) VALUES (%s, 'k', 'h', 201, '{}', now() - interval '3 days')",
                     (marker,))
        conn.execute("INSERT INTO processed_events (consumer, event_id, processed_at) "
                     "VALUES (%s, 'e', now() - interval '30 days')", (marker,))
    function = f"{service.capitalize()}Function"
    response = httpx.post(f"{gateway_url()}/__emulator/schedules/{function}/run", timeout=120)
    assert response.status_code == 200 and "x-amz-function-error" not in response.headers, response.text
    assert "pruned" in response.json()
    with psycopg.connect(database_url(service), autocommit=True) as conn:
        left = conn.execute("SELECT (SELECT count(*) FROM idempotency_keys WHERE scope = %s) + "
                            "(SELECT count(*) FROM processed_events WHERE consumer = %s)", (marker, marker)).fetchone()
    assert left == (0,)
