"""The standing-order sweep (accounts_service.standing_orders) over any sequence of sweeps: retries (the same day
again), outages (days with no sweep), payments whose answer is lost (the owner paid, the sweep never heard) and
short money. The store is an in-memory stand-in with the SQL's semantics (one run row per (order, seq)); the
ledger stand-in replays a key it has seen, as the real one does. Property: every occurrence due by the last
sweep is paid at most once, and exactly once when the money was there and the owner answered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts_service import standing_orders
from accounts_service.occurrences import occurrence_date
from accounts_service.standing_orders_repository import OrderRun, StandingOrder
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer
from bank_shared.rows import row_as, rows_as

START = date(2025, 1, 31)


class FakeStore:
    def __init__(self) -> None:
        self.orders: dict[UUID, dict[str, Any]] = {}
        self.runs: dict[tuple[UUID, int], dict[str, Any]] = {}

    def lock_due(self, today: date, limit: int) -> list[StandingOrder]:
        due = [o for o in self.orders.values() if o["status"] == "active" and o["next_due"] <= today]
        return rows_as(StandingOrder, due[:limit])

    def insert_run(self, order_id: UUID, seq: int, due_date: date) -> None:
        self.runs.setdefault((order_id, seq), {"order_id": order_id, "seq": seq, "due_date": due_date,
                                               "status": "pending", "attempts": 0, "next_attempt": due_date,
                                               "result_id": None, "problem_code": None,
                                               "updated_at": datetime.now(UTC)})

    def advance(self, order_id: UUID, next_seq: int, next_due: date | None) -> None:
        order = self.orders[order_id]
        order.update(next_seq=next_seq, next_due=next_due, status=order["status"] if next_due else "finished")

    def pending_runs(self, today: date, limit: int) -> list[OrderRun]:
        runs = [r for r in self.runs.values() if r["status"] == "pending" and r["next_attempt"] <= today]
        return rows_as(OrderRun, runs[:limit])

    def get(self, order_id: UUID, *, lock: bool = False) -> StandingOrder | None:
        return row_as(StandingOrder, self.orders[order_id])

    def lock_run(self, order_id: UUID, seq: int) -> OrderRun | None:
        return row_as(OrderRun, self.runs[(order_id, seq)])

    def finish_run(self, order_id: UUID, seq: int, status: str, result_id: str | None, code: str | None) -> None:
        self.runs[(order_id, seq)].update(status=status, attempts=self.runs[(order_id, seq)]["attempts"] + 1)

    def postpone_run(self, order_id: UUID, seq: int, next_attempt: date, code: str) -> None:
        run = self.runs[(order_id, seq)]
        run.update(next_attempt=next_attempt, attempts=run["attempts"] + 1)


@dataclass
class FakeLedger:
    """Pays once per key; `lose` loses the answer of the next N payments, `short` refuses the next N."""

    paid: dict[str, int] = field(default_factory=dict)
    lose: int = 0
    short: int = 0

    def transfer(self, key: str, body: dict[str, Any]) -> Answer:
        if key in self.paid:
            return Answer(201, {"id": key}, replayed=True)
        if self.short:
            self.short -= 1
            return Answer(422, {"code": "insufficient_funds"})
        self.paid[key] = self.paid.get(key, 0) + 1
        if self.lose:
            self.lose -= 1
            raise DependencyUnavailable("the answer was lost", dependency="ledger")
        return Answer(201, {"id": key})

    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer:
        return self.transfer(key, body)


class FakeUnitOfWork:
    connection = None

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def _order(store: FakeStore, rule: str) -> dict[str, Any]:
    order = {"id": uuid.uuid4(), "owner_id": uuid.uuid4(), "name": "rent", "kind": "transfer",
             "from_account_id": uuid.uuid4(), "to_account_id": uuid.uuid4(), "provider_id": None,
             "payer_account": None, "amount": 100_00, "currency": "RUB", "description": "", "frequency": "monthly",
             "start_date": START, "day_of_month": 31, "end_date": None, "max_count": 8, "on_insufficient": rule,
             "status": "active", "next_seq": 0, "next_due": START, "created_at": datetime.now(UTC)}
    store.orders[order["id"]] = order
    return order


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeStore:
    fake = FakeStore()
    monkeypatch.setattr(standing_orders, "StandingOrdersRepository", lambda _connection: fake)
    monkeypatch.setattr(standing_orders, "UnitOfWork", FakeUnitOfWork)
    return fake


Sweep = tuple[int, int, int]  # days since the previous sweep, answers lost, refusals for short money

sweeps = st.lists(st.tuples(st.integers(0, 70), st.integers(0, 2), st.integers(0, 1)), min_size=1, max_size=15)


# The store is emptied at the start of each example.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sweeps, st.sampled_from(["skip", "retry"]))
def test_no_occurrence_is_ever_paid_twice(store: FakeStore, plan: list[Sweep], rule: str) -> None:
    store.orders.clear()
    store.runs.clear()
    order, ledger, today = _order(store, rule), FakeLedger(), START
    for step, lose, short in plan:
        today += timedelta(days=step)
        ledger.lose, ledger.short = lose, short
        standing_orders.sweep(ledger, today)
    assert all(count == 1 for count in ledger.paid.values())
    rule_of_order = standing_orders.recurrence(row_as(StandingOrder, order))
    due = [seq for seq in range(8) if (d := occurrence_date(rule_of_order, seq)) and d <= today]
    assert sorted(seq for (_, seq) in store.runs) == due  # each due occurrence has exactly one run
    for run in store.runs.values():
        key = f"standing-order:{order['id']}:{run['seq']}:{run['due_date'].isoformat()}"
        assert (run["status"] == "paid") <= (key in ledger.paid)  # "paid" only when the ledger paid it
        assert (run["status"] in ("skipped", "failed")) <= (key not in ledger.paid)


def test_a_lost_answer_is_replayed_not_paid_again(store: FakeStore) -> None:
    order, ledger = _order(store, "skip"), FakeLedger(lose=1)
    standing_orders.sweep(ledger, START)
    assert store.runs[(order["id"], 0)]["status"] == "pending" and len(ledger.paid) == 1
    standing_orders.sweep(ledger, START)
    assert store.runs[(order["id"], 0)]["status"] == "paid" and list(ledger.paid.values()) == [1]


def test_short_money_skips_or_retries_by_the_customers_rule(store: FakeStore) -> None:
    skipping, retrying = _order(store, "skip"), _order(store, "retry")
    standing_orders.sweep(FakeLedger(short=2), START)
    assert store.runs[(skipping["id"], 0)]["status"] == "skipped"
    assert store.runs[(retrying["id"], 0)]["status"] == "pending"
    assert store.runs[(retrying["id"], 0)]["next_attempt"] == START + timedelta(days=1)
    ledger = FakeLedger()
    standing_orders.sweep(ledger, START + timedelta(days=1))
    assert store.runs[(retrying["id"], 0)]["status"] == "paid" and len(ledger.paid) == 1


def test_retrying_gives_up_after_the_retry_days(store: FakeStore) -> None:
    order = _order(store, "retry")
    for day in range(5):
        standing_orders.sweep(FakeLedger(short=1), START + timedelta(days=day))
    assert store.runs[(order["id"], 0)]["status"] == "failed"


def test_an_outage_pays_each_missed_occurrence_once(store: FakeStore) -> None:
    order, ledger = _order(store, "skip"), FakeLedger()
    standing_orders.sweep(ledger, date(2025, 5, 1))  # 31 Jan, 28 Feb, 31 Mar, 30 Apr were missed
    standing_orders.sweep(ledger, date(2025, 5, 1))
    assert sorted(run["due_date"] for run in store.runs.values()) == [
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert len(ledger.paid) == 4 and store.orders[order["id"]]["next_due"] == date(2025, 5, 31)
