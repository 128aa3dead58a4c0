"""The execution environment's connection must never be left inside a transaction between invocations:
otherwise every later UnitOfWork is only a savepoint that never commits (seen with the outbox sweeper)."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg.pq import TransactionStatus

from bank_shared import db
from bank_shared.events.outbox import sweep_outbox
from bank_shared.health import check_database
from bank_shared.settings import get_settings
from tests.support.stack import database_url


@pytest.fixture
def notifications_connection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", database_url("notifications"))
    monkeypatch.delenv("DB_SECRET_ID", raising=False)
    get_settings.cache_clear()
    db.close_connection()
    yield
    db.close_connection()
    get_settings.cache_clear()


@pytest.mark.usefixtures("notifications_connection")
def test_sweeper_and_health_leave_no_open_transaction() -> None:
    sweep_outbox(max_batches=1)
    assert db.get_connection().info.transaction_status == TransactionStatus.IDLE
    check_database()
    assert db.get_connection().info.transaction_status == TransactionStatus.IDLE


@pytest.mark.usefixtures("notifications_connection")
def test_a_unit_of_work_after_a_bare_read_really_commits() -> None:
    db.get_connection().execute("SELECT 1")
    with db.UnitOfWork() as uow:
        uow.connection.execute("INSERT INTO processed_events (consumer, event_id) VALUES ('probe', 'x') "
                               "ON CONFLICT DO NOTHING")
    with psycopg.connect(database_url("notifications")) as other:
        row = other.execute("SELECT count(*) FROM processed_events WHERE consumer = 'probe'").fetchone()
        other.execute("DELETE FROM processed_events WHERE consumer = 'probe'")
    assert row is not None and row[0] == 1
