"""The outbox relay against real PostgreSQL: it leases rows in one short transaction, calls Kafka with no
transaction open (no row lock held across a network call), then marks them published or releases them; a second
relay never takes a leased row, and a lease a dead relay left behind runs out so the row is published again."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg.pq import TransactionStatus

from bank_shared.db import Connection, connect
from bank_shared.events import outbox
from tests.support.scratch_db import shared_tables_copy


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with shared_tables_copy("outbox_test", ("outbox",)) as copy:
        yield copy


@pytest.fixture
def connection(url: str) -> Iterator[Connection]:
    conn = connect(url)
    conn.execute("TRUNCATE outbox")
    conn.commit()
    yield conn
    conn.close()


class Producer:
    """Kafka's producer as the relay uses it; each produce() records what the relay's connection was doing."""

    def __init__(self, connection: Connection, other: Connection | None = None, fail: bool = False) -> None:
        self.connection, self.other, self.fail = connection, other, fail
        self.seen: list[tuple[str, TransactionStatus, int]] = []
        self.pending: list[Any] = []

    def produce(self, topic: str, key: bytes, value: bytes, headers: Any, on_delivery: Any) -> None:
        competing = outbox.relay_pending(self.other).published if self.other is not None else 0
        self.seen.append((json.loads(value)["id"], self.connection.info.transaction_status, competing))
        self.pending.append(on_delivery)

    def flush(self, _timeout: float) -> int:
        for on_delivery in self.pending:
            on_delivery("broker down" if self.fail else None, None)
        self.pending.clear()
        return 0


def _write(connection: Connection, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    for event_id in ids:  # one transaction each: each its own created_at, so "oldest first" is this order
        with connection.transaction():
            connection.execute("INSERT INTO outbox (id, topic, message_key, payload) VALUES (%s, 't', 'k', %s)",
                               (event_id, json.dumps({"id": event_id, "type": "t"})))
    return ids


def _state(connection: Connection) -> dict[str, tuple[bool, bool, int]]:
    rows = connection.execute("SELECT id, published_at, leased_until, attempts FROM outbox").fetchall()
    connection.commit()
    return {str(r["id"]): (r["published_at"] is not None, r["leased_until"] is not None, r["attempts"]) for r in rows}


def test_kafka_is_called_with_no_transaction_open_and_a_second_relay_skips_the_leased_rows(
        connection: Connection, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _write(connection, 3)
    other = connect(url)
    producer = Producer(connection, other)
    monkeypatch.setattr(outbox, "get_producer", lambda: producer)

    result = outbox.relay_pending(connection)

    assert result.published == 3 and [seen[0] for seen in producer.seen] == ids  # oldest first
    assert {status for _, status, _ in producer.seen} == {TransactionStatus.IDLE}
    assert [competing for _, _, competing in producer.seen] == [0, 0, 0]  # the other relay found them leased
    assert _state(connection) == dict.fromkeys(ids, (True, False, 1))
    other.close()


def test_a_failed_delivery_releases_the_row_for_the_next_run(connection: Connection,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    [event_id] = _write(connection, 1)
    monkeypatch.setattr(outbox, "get_producer", lambda: Producer(connection, fail=True))
    assert outbox.relay_pending(connection).failed == 1
    assert _state(connection) == {event_id: (False, False, 1)}
    monkeypatch.setattr(outbox, "get_producer", lambda: Producer(connection))
    assert outbox.relay_pending(connection).published == 1
    assert _state(connection) == {event_id: (True, False, 2)}


def test_a_lease_left_by_a_relay_that_died_runs_out_and_the_row_is_published_again(
        connection: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh, stale = _write(connection, 2)
    with connection.transaction():
        connection.execute("UPDATE outbox SET leased_until = now() + interval '1 minute' WHERE id = %s", (fresh,))
        connection.execute("UPDATE outbox SET leased_until = now() - interval '1 second' WHERE id = %s", (stale,))
    monkeypatch.setattr(outbox, "get_producer", lambda: Producer(connection))
    assert outbox.relay_pending(connection).published == 1
    assert _state(connection) == {fresh: (False, True, 0), stale: (True, False, 1)}
