"""The shared Idempotency-Key helper against real PostgreSQL (the notifications database, in a schema of
this test's own so no service table is touched)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from bank_shared.errors import IdempotencyKeyReused, IdempotencyRequestInFlight
from bank_shared.idempotency import fingerprint, run_idempotent
from tests.support.scratch_db import shared_tables_copy


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with shared_tables_copy("idem_test", ("idempotency_keys",),
                            "CREATE TABLE {schema}.effects (id serial PRIMARY KEY, note text)") as copy:
        yield copy


def effect_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM effects").fetchone()
        return int(row[0]) if row else 0


def pay(url: str, key: str, body: dict[str, str]) -> tuple[int, dict[str, object], bool]:
    with psycopg.connect(url, row_factory=dict_row) as conn, conn.transaction():
        def effect() -> tuple[int, dict[str, object]]:
            conn.execute("INSERT INTO effects (note) VALUES (%s)", (body["note"],))
            return 201, {"note": body["note"]}

        result = run_idempotent(conn, "user-1", key, fingerprint("POST /pay", body), effect)
    return result.status, result.body, result.replayed


def test_first_call_applies_and_replay_returns_the_stored_response(url: str) -> None:
    key = str(uuid.uuid4())
    before = effect_count(url)
    assert pay(url, key, {"note": "a"}) == (201, {"note": "a"}, False)
    assert pay(url, key, {"note": "a"}) == (201, {"note": "a"}, True)
    assert effect_count(url) == before + 1


def test_same_key_with_another_body_is_refused(url: str) -> None:
    key = str(uuid.uuid4())
    pay(url, key, {"note": "a"})
    with pytest.raises(IdempotencyKeyReused):
        pay(url, key, {"note": "b"})


def test_same_key_in_flight_is_a_conflict(url: str) -> None:
    key = str(uuid.uuid4())
    entered, release = threading.Event(), threading.Event()

    def slow_first() -> None:
        with psycopg.connect(url, row_factory=dict_row) as conn, conn.transaction():
            def effect() -> tuple[int, dict[str, object]]:
                entered.set()
                release.wait(10)
                return 201, {"note": "slow"}

            run_idempotent(conn, "user-1", key, fingerprint("POST /pay", {"note": "slow"}), effect)

    first = threading.Thread(target=slow_first)
    first.start()
    assert entered.wait(10)
    try:
        with pytest.raises(IdempotencyRequestInFlight):
            pay(url, key, {"note": "slow"})
    finally:
        release.set()
        first.join()
    assert pay(url, key, {"note": "slow"})[2] is True
