"""Maker-checker (office_service.approvals) against office's real database: approvers racing, double clicks,
limits under concurrency, expiry, outages and retries. The ledger is a counting fake here (the end-to-end
test drives the real one): what is proven is that office itself executes a request once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest

from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.errors import AppError, DependencyUnavailable
from bank_shared.http import Answer
from bank_shared.migrations import upgrade_head
from office_service.approval_rules import Limits
from office_service.approvals import Approvals
from office_service.repository import NewEntry, Outcome
from office_service.service import Actor
from tests.support.stack import database_url

LIMITS = Limits(approval_threshold={"*": Decimal("1000")}, per_operation={"*": Decimal("100000")},
                daily={"*": Decimal("5000")})


class Ledger:
    """Counts every execution call; applies each ledger key once (as the real ledger's Idempotency-Key)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[str] = []
        self.applied: dict[str, dict[str, Any]] = {}
        self.down = False
        self.currency = "RUB"
        self.transactions: dict[UUID, dict[str, Any]] = {}

    def account(self, account_id: UUID) -> Answer:
        return Answer(200, {"items": [{"id": str(account_id), "number": "4" * 20, "owner_id": str(uuid.uuid4()),
                                       "currency": self.currency, "status": "active"}]})

    def ledger_transaction(self, transaction_id: UUID) -> Answer:
        found = self.transactions.get(transaction_id)
        return Answer(200, found) if found else Answer(404, {"code": "transaction_not_found"})

    def _apply(self, key: str, body: dict[str, Any]) -> Answer:
        with self.lock:
            self.calls.append(key)
            if self.down:
                raise DependencyUnavailable("ledger answered 503", dependency="ledger")
            if key in self.applied:
                return Answer(201, self.applied[key], replayed=True)
            self.applied[key] = {"transaction_id": str(uuid.uuid4()), "status": "executed", **body}
            return Answer(201, self.applied[key])

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer:
        return self._apply(key, body)

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer:
        return self._apply(key, {**body, "reverses": str(transaction_id)})


class Audit:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[UUID, tuple[NewEntry, Outcome | None]] = {}

    def start(self, entry: NewEntry) -> UUID:
        with self.lock:
            entry_id = uuid.uuid4()
            self.entries[entry_id] = (entry, None)
            return entry_id

    def finish(self, entry_id: UUID, outcome: Outcome) -> None:
        with self.lock:
            self.entries[entry_id] = (self.entries[entry_id][0], outcome)

    def page(self, *_args: Any, **_kwargs: Any) -> list[dict[str, Any]]:
        return []

    def actions(self, target: str) -> list[tuple[str, str, str | None]]:
        return [(entry.action, entry.actor_id, outcome.outcome if outcome else None)
                for entry, outcome in self.entries.values() if entry.target_id == target]


@pytest.fixture(scope="module")
def office_url() -> str:
    url = database_url("office")
    upgrade_head("office", url)
    return url


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture
def audit() -> Audit:
    return Audit()


@pytest.fixture
def desk(office_url: str, ledger: Ledger, audit: Audit) -> Iterator[Approvals]:
    """Approvals on office's database; every thread gets a connection of its own."""
    local = threading.local()
    opened: list[Connection] = []

    def unit_of_work() -> UnitOfWork:
        if not hasattr(local, "connection"):
            local.connection = connect(office_url)
            opened.append(local.connection)
        return UnitOfWork(local.connection)

    yield Approvals(ledger, audit, LIMITS, ttl_seconds=3600, retry_after_seconds=1,  # type: ignore[arg-type]
                    unit_of_work=unit_of_work)
    for connection in opened:
        connection.close()


def employee() -> Actor:
    return Actor(f"employee-{uuid.uuid4()}", frozenset({"employee"}), "")


def code(call: Callable[[], Any]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


def pending_topup(desk: Approvals, maker: Actor, amount: str = "2500.00") -> str:
    answer = desk.request_topup(maker, str(uuid.uuid4()), uuid.uuid4(), amount, "RUB", "cash at the desk")
    assert answer.status == 202 and answer.body["status"] == "pending", answer.body
    return str(answer.body["id"])


def race(count: int, work: Callable[[int], Any]) -> list[Any]:
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = work(index)
        except AppError as error:
            results[index] = error.code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_approvers_racing_execute_the_request_once(desk: Approvals, ledger: Ledger, audit: Audit) -> None:
    request_id = pending_topup(desk, employee())
    approvers = [employee() for _ in range(5)]
    results = race(5, lambda i: desk.approve(approvers[i], UUID(request_id)))
    winners = [r for r in results if isinstance(r, Answer)]
    assert len(winners) == 1 and winners[0].status == 200 and winners[0].body["status"] == "executed"
    assert sorted(r for r in results if isinstance(r, str)) == ["approval_already_decided"] * 4
    assert len(ledger.calls) == 1 and len(ledger.applied) == 1
    assert [a for a, _, outcome in audit.actions(request_id) if outcome == "succeeded"] == ["approval.approve"]


def test_a_double_click_by_the_checker_moves_the_money_once(desk: Approvals, ledger: Ledger) -> None:
    request_id = UUID(pending_topup(desk, employee()))
    checker = employee()
    results = race(3, lambda _i: desk.approve(checker, request_id))
    assert all(isinstance(r, Answer) and r.status in (200, 202) for r in results), results
    assert len(set(ledger.calls)) == 1 and len(ledger.applied) == 1  # one key, applied once
    assert desk.approve(checker, request_id).body["status"] == "executed"  # and again later: the outcome


def test_the_maker_cannot_approve_not_even_in_the_database(desk: Approvals, office_url: str) -> None:
    maker = employee()
    request_id = pending_topup(desk, maker)
    assert code(lambda: desk.approve(maker, UUID(request_id))) == "maker_cannot_approve"
    refused = pytest.raises(psycopg.errors.CheckViolation, match="checker_is_not_maker")
    with psycopg.connect(office_url) as conn, refused:
        conn.execute("UPDATE money_requests SET status = 'approved', decided_by = maker_id WHERE id = %s",
                     (request_id,))


def test_small_top_ups_execute_at_once_and_replay(desk: Approvals, ledger: Ledger) -> None:
    maker, key, account = employee(), str(uuid.uuid4()), uuid.uuid4()
    first = desk.request_topup(maker, key, account, "999.99", "RUB", "")
    assert (first.status, first.replayed) == (201, False) and first.body["amount"] == "999.99"
    again = desk.request_topup(maker, key, account, "999.99", "RUB", "")
    assert (again.status, again.replayed, again.body) == (201, True, first.body)
    assert code(lambda: desk.request_topup(maker, key, account, "5.00", "RUB", "")) == "idempotency_key_reused"
    assert len(ledger.applied) == 1


def test_the_daily_limit_holds_under_concurrent_requests(desk: Approvals, ledger: Ledger) -> None:
    maker = employee()
    results = race(5, lambda _i: desk.request_topup(maker, str(uuid.uuid4()), uuid.uuid4(), "2000.00", "RUB", ""))
    accepted = [r for r in results if isinstance(r, Answer)]
    assert len(accepted) == 2 and results.count("daily_limit_exceeded") == 3  # 2 x 2000 <= 5000 < 3 x 2000
    assert code(lambda: desk.request_topup(maker, str(uuid.uuid4()), uuid.uuid4(), "100000.01", "RUB", "")) \
        == "operation_limit_exceeded"


def test_a_rejected_request_frees_the_daily_limit_and_cannot_be_approved(desk: Approvals) -> None:
    maker, checker = employee(), employee()
    request_id = UUID(pending_topup(desk, maker, "4000.00"))
    assert code(lambda: desk.request_topup(maker, str(uuid.uuid4()), uuid.uuid4(), "2000.00", "RUB", "")) \
        == "daily_limit_exceeded"
    rejected = desk.reject(checker, request_id, "no cash receipt")
    assert (rejected.body["status"], rejected.body["decision_reason"]) == ("rejected", "no cash receipt")
    assert code(lambda: desk.approve(employee(), request_id)) == "approval_already_decided"
    assert desk.request_topup(maker, str(uuid.uuid4()), uuid.uuid4(), "2000.00", "RUB", "").status == 202


def test_expired_requests_cannot_be_approved(desk: Approvals, office_url: str, ledger: Ledger,
                                             audit: Audit) -> None:
    late, swept = pending_topup(desk, employee()), pending_topup(desk, employee())
    with psycopg.connect(office_url) as conn:
        conn.execute("UPDATE money_requests SET expires_at = now() - interval '1 second' WHERE id = ANY(%s)",
                     ([late, swept],))
    assert code(lambda: desk.approve(employee(), UUID(late))) == "approval_expired"
    assert desk.get(employee(), UUID(late))["status"] == "expired"
    assert desk.expire_due() >= 1
    assert desk.get(employee(), UUID(swept))["status"] == "expired"
    assert ("approval.expire", "system", "succeeded") in audit.actions(swept)
    assert ledger.calls == []


def test_an_outage_leaves_the_request_approved_and_the_schedule_finishes_it(desk: Approvals, ledger: Ledger,
                                                                            office_url: str) -> None:
    request_id = UUID(pending_topup(desk, employee()))
    checker = employee()
    ledger.down = True
    assert code(lambda: desk.approve(checker, request_id)) == "dependency_unavailable"
    assert desk.get(checker, request_id)["status"] == "approved"
    ledger.down = False
    with psycopg.connect(office_url) as conn:  # past the retry delay
        conn.execute("UPDATE money_requests SET decided_at = now() - interval '5 seconds' WHERE id = %s",
                     (request_id,))
    assert desk.finish_unfinished() >= 1
    assert desk.get(checker, request_id)["status"] == "executed"
    assert len(set(ledger.calls)) == 1 and len(ledger.applied) == 1


def test_a_reversal_always_waits_and_is_asked_for_once(desk: Approvals, ledger: Ledger) -> None:
    original = uuid.uuid4()
    ledger.transactions[original] = {
        "id": str(original), "type": "topup", "description": "cash", "created_at": "2026-12-01T10:00:00Z",
        "reversed_by": None, "postings": [
            {"account_id": str(uuid.uuid4()), "direction": "debit", "amount": {"amount": "10.00", "currency": "RUB"}},
            {"account_id": str(uuid.uuid4()), "direction": "credit", "amount": {"amount": "10.00", "currency": "RUB"}}]}
    maker, checker = employee(), employee()
    asked = desk.request_reversal(maker, str(uuid.uuid4()), original, "credited the wrong account")
    assert (asked.status, asked.body["status"], asked.body["amount"]) == (202, "pending",
                                                                         {"amount": "10.00", "currency": "RUB"})
    assert code(lambda: desk.request_reversal(employee(), str(uuid.uuid4()), original, "again")) \
        == "reversal_already_requested"
    assert code(lambda: desk.approve(maker, UUID(asked.body["id"]))) == "maker_cannot_approve"
    done = desk.approve(checker, UUID(asked.body["id"]))
    assert done.status == 200 and done.body["result"]["body"]["reverses"] == str(original)
    assert code(lambda: desk.request_reversal(maker, str(uuid.uuid4()), uuid.uuid4(), "unknown")) \
        == "transaction_not_found"
