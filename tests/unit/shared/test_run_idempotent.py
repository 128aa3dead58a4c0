"""run_idempotent's rules in the fast tier, over an in-memory key store that answers its three statements (the
real table and advisory lock are proven against PostgreSQL in the integration tier): an operation runs once per
(scope, key); the same request replays the stored answer; the same key with another body is refused; a key whose
lock another request holds is "in flight"."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bank_shared.errors import IdempotencyKeyReused, IdempotencyRequestInFlight
from bank_shared.idempotency import fingerprint, run_idempotent


class Answer:
    def __init__(self, row: dict[str, Any] | None) -> None:
        self.row = row

    def fetchone(self) -> dict[str, Any] | None:
        return self.row


class KeyStore:
    def __init__(self, lock_free: bool = True) -> None:
        self.lock_free = lock_free
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}

    def execute(self, sql: str, params: tuple[Any, ...]) -> Answer:
        if "pg_try_advisory_xact_lock" in sql:
            return Answer({"locked": self.lock_free})
        if sql.startswith("SELECT request_hash"):
            return Answer(self.rows.get((params[0], params[1])))
        if sql.startswith("INSERT INTO idempotency_keys"):
            scope, key, request_hash, status, body = params
            self.rows[(scope, key)] = {"request_hash": request_hash, "response_status": status,
                                       "response_body": json.loads(body)}
            return Answer(None)
        raise AssertionError(f"unexpected statement {sql}")


def operation(calls: list[int]) -> Any:
    def run() -> tuple[int, dict[str, Any]]:
        calls.append(1)
        return 201, {"transaction_id": f"t-{len(calls)}"}
    return run


def test_the_same_request_runs_once_and_replays_the_stored_answer() -> None:
    store, calls = KeyStore(), []
    request = fingerprint("transfer", {"amount": 100})
    first = run_idempotent(store, "transfer:alice", "k-1", request, operation(calls))  # type: ignore[arg-type]
    again = run_idempotent(store, "transfer:alice", "k-1", request, operation(calls))  # type: ignore[arg-type]
    assert calls == [1]
    assert (first.status, first.body, first.replayed) == (201, {"transaction_id": "t-1"}, False)
    assert (again.status, again.body, again.replayed) == (201, {"transaction_id": "t-1"}, True)


def test_the_same_key_with_another_body_is_refused_not_replayed() -> None:
    store, calls = KeyStore(), []
    run_idempotent(store, "transfer:alice", "k-1", fingerprint("transfer", {"amount": 100}),  # type: ignore[arg-type]
                   operation(calls))
    with pytest.raises(IdempotencyKeyReused):
        run_idempotent(store, "transfer:alice", "k-1", fingerprint("transfer", {"amount": 999}),  # type: ignore[arg-type]
                       operation(calls))
    assert calls == [1]


def test_keys_are_scoped_per_caller() -> None:
    store, calls = KeyStore(), []
    request = fingerprint("transfer", {"amount": 100})
    run_idempotent(store, "transfer:alice", "k-1", request, operation(calls))  # type: ignore[arg-type]
    bob = run_idempotent(store, "transfer:bob", "k-1", request, operation(calls))  # type: ignore[arg-type]
    assert calls == [1, 1] and not bob.replayed


def test_a_key_another_request_holds_is_in_flight_and_runs_nothing() -> None:
    calls: list[int] = []
    with pytest.raises(IdempotencyRequestInFlight) as caught:
        run_idempotent(KeyStore(lock_free=False), "s", "k", "h", operation(calls))  # type: ignore[arg-type]
    assert calls == [] and caught.value.headers == {"Retry-After": "1"}
