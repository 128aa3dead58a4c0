"""Kafka consumers apply each event once, in the fast tier over the fake unit of work: a redelivered event (same
id, same or another batch) does nothing the second time, a handler failure rolls back its processed mark so the
redelivery applies it, each consumer keeps its own marks, and records that are not events are skipped."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from bank_shared import db
from bank_shared.db import UnitOfWork
from bank_shared.events.consumer import handle_kafka_batch
from bank_shared.events.envelope import CloudEvent, new_event
from tests.support.fakes import FakeDatabase


def batch(*events: CloudEvent | bytes) -> dict[str, Any]:
    values = [e if isinstance(e, bytes) else e.to_json() for e in events]
    return {"eventSource": "aws:kafka", "records": {"t-0": [
        {"topic": "t", "partition": 0, "offset": n, "timestamp": 1, "timestampType": "CREATE_TIME",
         "key": base64.b64encode(b"k").decode(), "value": base64.b64encode(v).decode(), "headers": []}
        for n, v in enumerate(values)]}}


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch) -> FakeDatabase:
    fake = FakeDatabase()
    monkeypatch.setattr(db, "_connection", fake.connection)  # UnitOfWork() takes the environment's connection
    return fake


def test_a_redelivered_event_is_applied_once(database: FakeDatabase) -> None:
    applied: list[str] = []

    def handler(uow: UnitOfWork, event: CloudEvent) -> None:
        applied.append(event.id)

    paid = new_event("payment.executed", "ledger", "a-1", {"amount": "1.00"})
    other = new_event("payment.executed", "ledger", "a-2", {"amount": "2.00"})
    first = handle_kafka_batch(batch(paid, paid), "notifications", {"payment.executed": handler})
    again = handle_kafka_batch(batch(other, paid), "notifications", {"payment.executed": handler})
    assert applied == [paid.id, other.id]  # bug: mark_processed not consulted
    assert first == {"applied": 1, "duplicates": 1, "skipped": 0}
    assert again == {"applied": 1, "duplicates": 1, "skipped": 0}
    handle_kafka_batch(batch(paid), "office", {"payment.executed": handler})
    assert applied[-1] == paid.id  # another consumer has its own marks


def test_a_failing_handler_leaves_the_event_for_the_redelivery(database: FakeDatabase) -> None:
    outcomes = iter([RuntimeError("broker hiccup"), None])
    applied: list[str] = []

    def handler(uow: UnitOfWork, event: CloudEvent) -> None:
        failure = next(outcomes)
        if failure:
            raise failure
        applied.append(event.id)

    event = new_event("payment.executed", "ledger", "a-1", {"amount": "1.00"})
    with pytest.raises(RuntimeError):
        handle_kafka_batch(batch(event), "notifications", {"payment.executed": handler})
    assert database.connection.processed_events == set()  # rolled back with the failed effect
    assert handle_kafka_batch(batch(event), "notifications", {"payment.executed": handler})["applied"] == 1
    assert applied == [event.id]


def test_records_that_are_no_event_or_have_no_handler_are_skipped(database: FakeDatabase) -> None:
    unknown = new_event("card.issued", "accounts", "c-1", {})
    counts = handle_kafka_batch(batch(b"not json", json.dumps({"hello": 1}).encode(), unknown), "notifications", {})
    assert counts == {"applied": 0, "duplicates": 0, "skipped": 3} and database.connection.processed_events == set()


def test_a_two_phase_handler_looks_up_outside_the_transaction_and_applies_inside(database: FakeDatabase) -> None:
    from bank_shared.events.consumer import TwoPhase
    from bank_shared.transaction_guard import in_transaction

    calls: list[tuple[str, bool, Any]] = []

    def look_up(event: CloudEvent) -> str:
        calls.append(("look_up", in_transaction(), event.id))
        return f"name of {event.subject}"

    def apply(uow: UnitOfWork, event: CloudEvent, found: str) -> None:
        calls.append(("apply", in_transaction(), found))

    paid = new_event("payment.executed", "ledger", "a-1", {"amount": "1.00"})
    handlers = {"payment.executed": TwoPhase(look_up, apply)}
    assert handle_kafka_batch(batch(paid), "notifications", handlers)["applied"] == 1
    assert calls == [("look_up", False, paid.id), ("apply", True, "name of a-1")]
    assert handle_kafka_batch(batch(paid), "notifications", handlers)["duplicates"] == 1
    assert [step for step, _, _ in calls] == ["look_up", "apply", "look_up"]  # repeated look-up, no second apply


def test_a_failing_look_up_leaves_the_event_unprocessed(database: FakeDatabase) -> None:
    from bank_shared.events.consumer import TwoPhase

    def look_up(event: CloudEvent) -> None:
        raise RuntimeError("auth is down")

    event = new_event("payment.executed", "ledger", "a-1", {"amount": "1.00"})
    with pytest.raises(RuntimeError):
        handle_kafka_batch(batch(event), "notifications", {"payment.executed": TwoPhase(look_up, lambda *_: None)})
    assert database.connection.processed_events == set()


def test_after_commit_deliveries_run_only_once_the_apply_committed(database: FakeDatabase) -> None:
    from bank_shared.events.consumer import TwoPhase
    from bank_shared.transaction_guard import in_transaction

    delivered: list[bool] = []

    def apply(uow: UnitOfWork, event: CloudEvent, _found: None) -> None:
        uow.after_commit(lambda: delivered.append(in_transaction()))
        if event.data.get("fail"):
            raise RuntimeError("the apply failed")

    handlers = {"payment.executed": TwoPhase(lambda _event: None, apply)}
    handle_kafka_batch(batch(new_event("payment.executed", "ledger", "a-1", {})), "notifications", handlers)
    assert delivered == [False]  # after the commit, outside the transaction
    with pytest.raises(RuntimeError):
        handle_kafka_batch(batch(new_event("payment.executed", "ledger", "a-2", {"fail": True})), "notifications",
                           handlers)
    assert delivered == [False]  # a rolled-back apply delivers nothing
