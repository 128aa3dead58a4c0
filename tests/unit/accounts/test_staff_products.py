"""Staff on a customer's products (accounts_service.staff_products) in the fast tier, over in-memory
repositories: a customer's orders come with their latest runs and only that customer's; templates likewise;
staff cancel any customer's order (idempotent), an unknown order is 404. Each test names the bug that makes it
fail."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from accounts_service import staff_products
from accounts_service.standing_orders import StandingOrderNotFound
from accounts_service.standing_orders_repository import OrderRun, StandingOrder
from accounts_service.templates_repository import Template
from bank_shared.rows import row_as, rows_as
from tests.support.fake_db import fake_unit_of_work

ANN, BOB = uuid.uuid4(), uuid.uuid4()


def order(owner: UUID, name: str) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "owner_id": owner, "name": name, "kind": "transfer", "from_account_id": uuid.uuid4(),
            "to_account_id": uuid.uuid4(), "provider_id": None, "payer_account": None, "amount": 150_000,
            "currency": "RUB", "description": "", "frequency": "monthly", "start_date": date(2026, 12, 5),
            "day_of_month": 5, "end_date": None, "max_count": None, "on_insufficient": "skip", "status": "active",
            "next_seq": 0, "next_due": date(2026, 12, 5), "created_at": datetime.now(UTC)}


class InMemoryOrders:
    rows: dict[UUID, dict[str, Any]] = {}
    runs: dict[UUID, list[OrderRun]] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def by_owner(self, owner_id: UUID) -> list[StandingOrder]:
        return rows_as(StandingOrder, (r for r in self.rows.values() if r["owner_id"] == owner_id))

    def get(self, order_id: UUID, *, lock: bool = False) -> StandingOrder | None:
        return row_as(StandingOrder, self.rows[order_id]) if order_id in self.rows else None

    def cancel(self, order_id: UUID) -> StandingOrder:
        row = self.rows[order_id]
        if row["status"] == "active":
            row.update(status="cancelled", next_due=None)
        return row_as(StandingOrder, row)

    def runs_of(self, order_id: UUID, limit: int) -> list[OrderRun]:
        return self.runs.get(order_id, [])[:limit]


class InMemoryTemplates:
    rows: list[Template] = []

    def __init__(self, _connection: Any) -> None:
        pass

    def by_owner(self, owner_id: UUID) -> list[Template]:
        return [r for r in self.rows if r.owner_id == owner_id]


@pytest.fixture(autouse=True)
def repositories(monkeypatch: pytest.MonkeyPatch) -> None:
    InMemoryOrders.rows, InMemoryOrders.runs, InMemoryTemplates.rows = {}, {}, []
    monkeypatch.setattr(staff_products, "StandingOrdersRepository", InMemoryOrders)
    monkeypatch.setattr(staff_products, "TemplatesRepository", InMemoryTemplates)


def run(use_case: Any, *args: Any) -> Any:
    with fake_unit_of_work() as uow:
        return use_case(uow, *args)


def test_a_customers_orders_come_with_their_runs_and_only_theirs() -> None:
    rent, other = order(ANN, "Rent"), order(BOB, "Bob's")
    InMemoryOrders.rows = {rent["id"]: rent, other["id"]: other}
    InMemoryOrders.runs = {rent["id"]: [OrderRun(rent["id"], 0, date(2026, 12, 5), "paid", 1, date(2026, 12, 5),
                                                 "tx-1", None, datetime.now(UTC))]}
    items = run(staff_products.customer_orders, ANN)
    assert [i["name"] for i in items] == ["Rent"]  # bug: another customer's order shown
    assert items[0]["runs"][0]["status"] == "paid" and items[0]["amount"] == {"amount": "1500.00", "currency": "RUB"}
    assert items[0]["next_due"] == "2026-12-05"


def test_staff_cancel_any_customers_order_once_and_unknown_is_not_found() -> None:
    rent = order(ANN, "Rent")
    InMemoryOrders.rows = {rent["id"]: rent}
    first = run(staff_products.cancel_order, rent["id"])
    again = run(staff_products.cancel_order, rent["id"])
    assert first["status"] == again["status"] == "cancelled" and first["next_due"] is None
    with pytest.raises(StandingOrderNotFound):
        run(staff_products.cancel_order, uuid.uuid4())


def test_a_customers_templates_only() -> None:
    base: dict[str, Any] = {
        "kind": "p2p_phone", "from_account_id": None, "to_account_number": None, "to_phone": "+79000000001",
        "provider_id": None, "payer_account": None, "amount": None, "currency": "RUB", "description": "",
        "created_at": datetime.now(UTC)}
    InMemoryTemplates.rows = [Template(**base, id=uuid.uuid4(), owner_id=ANN, name="Mum"),
                              Template(**base, id=uuid.uuid4(), owner_id=BOB, name="Bob's")]
    assert [t["name"] for t in run(staff_products.customer_templates, ANN)] == ["Mum"]
