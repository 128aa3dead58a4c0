"""Who sees an account, in the fast tier against a fake repository and ledger: its owner and staff; any other
customer gets "not found" (no existence leak), also when closing it."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest

from accounts_service import service
from accounts_service.repository import Account
from bank_shared.auth import Principal
from bank_shared.rows import row_as

OWNER = uuid.uuid4()
ROW = {"id": uuid.uuid4(), "owner_id": OWNER, "number": "40817810000000000001", "currency": "RUB",
       "product_code": "current", "status": "active", "opened_at": None, "closed_at": None}


class FakeRepository:
    def __init__(self, _connection: Any) -> None:
        pass

    def get(self, account_id: UUID, *, lock: bool = False) -> Account | None:
        return row_as(Account, ROW) if account_id == ROW["id"] else None


class FakeLedger:
    closed: list[UUID] = []

    def balances(self, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        return {}

    def close(self, account_id: UUID) -> None:
        self.closed.append(account_id)


class FakeUow:
    connection = None

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> FakeLedger:
    ledger = FakeLedger()
    ledger.closed = []
    monkeypatch.setattr(service, "AccountsRepository", FakeRepository)
    monkeypatch.setattr(service, "get_ledger", lambda: ledger)
    return ledger


def customer(subject: UUID) -> Principal:
    return Principal(str(subject), frozenset({"customer"}), frozenset(), {})


def test_the_owner_and_staff_see_the_account() -> None:
    assert service.get_account(customer(OWNER), ROW["id"], FakeUow)["id"] == str(ROW["id"])  # type: ignore[arg-type]
    staff = Principal("clerk", frozenset({"employee"}), frozenset(), {})
    assert service.get_account(staff, ROW["id"], FakeUow)["id"] == str(ROW["id"])  # type: ignore[arg-type]


def test_another_customer_gets_not_found_for_reading_and_closing(fakes: FakeLedger) -> None:
    stranger = customer(uuid.uuid4())
    for use_case in (service.get_account, service.close_account):
        with pytest.raises(service.AccountNotFound):
            use_case(stranger, ROW["id"], FakeUow)  # type: ignore[arg-type]
    assert fakes.closed == []  # the ledger was never asked to close someone else's account
