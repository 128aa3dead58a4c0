"""The unit of work's fake connection: Idempotency-Key rows, the outbox, savepoints with rollback, and the
repositories the use cases ask for (see tests/support/fakes/__init__.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from bank_shared.db import UnitOfWork


class Answer:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def fetchone(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[dict[str, Any]]:
        return self.rows


class FakeConnection:
    """Answers the statements of bank_shared (idempotency, outbox); every other table is a fake repository's.

    `transaction()` snapshots every store (the key table, the outbox, each repository's `state`) and restores
    them when the block raises, as PostgreSQL rolls back a transaction or a savepoint."""

    def __init__(self) -> None:
        self.idempotency_keys: dict[tuple[str, str], dict[str, Any]] = {}
        self.outbox: list[dict[str, Any]] = []
        self.processed_events: set[tuple[str, str]] = set()  # (consumer, event id)
        self.repositories: dict[type, Any] = {}
        self.busy_keys: set[tuple[str, str]] = set()
        self.statements: list[Callable[[str, Any], list[dict[str, Any]] | None]] = []  # a use case's own SQL
        self.commits = 0
        self.depth = 0

    # the shared statements ---------------------------------------------------------------------------------
    def execute(self, sql: str, params: Any = ()) -> Answer:
        if "pg_try_advisory_xact_lock" in sql:
            return Answer([{"locked": not any(f"{len(s)}:{s}|{k}" == params[0] for s, k in self.busy_keys)}])
        if sql.startswith("SELECT request_hash"):
            row = self.idempotency_keys.get((params[0], params[1]))
            return Answer([row] if row else [])
        if sql.startswith("INSERT INTO idempotency_keys"):
            scope, key, request_hash, status, body = params
            if (scope, key) in self.idempotency_keys:
                assert "ON CONFLICT DO NOTHING" in sql, "an Idempotency-Key stored twice"
                return Answer([])
            self.idempotency_keys[(scope, key)] = {"request_hash": request_hash, "response_status": status,
                                                   "response_body": json.loads(body)}
            return Answer([])
        if sql.startswith("INSERT INTO outbox"):
            event_id, topic, message_key, payload = params
            self.outbox.append({"id": event_id, "topic": topic, "message_key": message_key,
                                "payload": json.loads(payload)})
            return Answer([])
        if sql.startswith("INSERT INTO processed_events"):
            if tuple(params) in self.processed_events:
                return Answer([])
            self.processed_events.add(tuple(params))
            return Answer([{"event_id": params[1]}])
        if sql.startswith("SELECT id, topic, message_key, payload FROM outbox"):
            return Answer([])  # publishing is the integration tier's (real Kafka)
        for answer in self.statements:
            rows = answer(sql, params)
            if rows is not None:
                return Answer(rows)
        raise AssertionError(f"a statement no fake answers: {sql}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        saved = self._snapshot()
        self.depth += 1
        try:
            yield
        except BaseException:
            self._restore(saved)
            raise
        finally:
            self.depth -= 1
        self.commits += 1

    def _snapshot(self) -> Any:
        return copy.deepcopy((self.idempotency_keys, self.outbox, self.processed_events,
                              {kind: fake.state for kind, fake in self.repositories.items()}))

    def _restore(self, saved: Any) -> None:
        self.idempotency_keys, self.outbox, self.processed_events, states = saved
        for kind, state in states.items():
            self.repositories[kind].state = state

    # what the tests read -----------------------------------------------------------------------------------
    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [row["payload"] for row in self.outbox if event_type in (None, row["payload"]["type"])]

    closed = False
    broken = False

    @property
    def info(self) -> Any:
        from psycopg import pq

        return SimpleNamespace(transaction_status=pq.TransactionStatus.INTRANS if self.depth
                               else pq.TransactionStatus.IDLE)

    def notifies(self, timeout: float | None = None, stop_after: int | None = None) -> Iterator[Any]:
        """LISTEN/NOTIFY: nothing arrives; the combiner's waiter polls (its fallback) instead."""
        return iter(())


class FakeDatabase:
    """A database for one test: `unit_of_work()` is the real UnitOfWork over the fake connection."""

    def __init__(self) -> None:
        self.connection = FakeConnection()

    def register(self, real: type, fake: Any) -> Any:
        self.connection.repositories[real] = fake
        return fake

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.connection)  # type: ignore[arg-type]

    def run(self, use_case: Any, *args: Any, **kwargs: Any) -> Any:
        """The use case in its own committed transaction, as the route runs it."""
        with self.unit_of_work() as uow:
            return use_case(uow, *args, **kwargs)

    def run_owning(self, use_case: Any, *args: Any, **kwargs: Any) -> Any:
        """A use case that opens its own transactions (it calls another service between them)."""
        return use_case(*args, unit_of_work=self.unit_of_work, **kwargs)


class OnFakeDatabase:
    """A test's world on one FakeDatabase (dataclasses with a `db` field): run a use case, read the outbox."""

    db: FakeDatabase

    def run(self, use_case: Any, *args: Any, **kwargs: Any) -> Any:
        return self.db.run(use_case, *args, **kwargs)

    def run_owning(self, use_case: Any, *args: Any, **kwargs: Any) -> Any:
        return self.db.run_owning(use_case, *args, **kwargs)

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return self.db.connection.events(event_type)


def install(monkeypatch: pytest.MonkeyPatch, real: type, *modules: ModuleType) -> None:
    """Make `real(connection)` in each module hand out the fake registered for `real` on that connection."""
    def factory(connection: Any) -> Any:
        fake = connection.repositories[real]
        fake.connection = connection  # as the real repository keeps it
        return fake
    for module in modules:
        monkeypatch.setattr(module, real.__name__, factory)
