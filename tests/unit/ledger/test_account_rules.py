"""The ledger's account rules run in the fast tier against a fake repository (the rule itself runs, not a mock of
it): closing needs a zero balance and no active hold, a customer sees only their own accounts (anyone else's is
"not found"), staff and services see any."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest

from bank_shared.auth import Principal
from bank_shared.errors import AccountNotEmpty, AccountNotFound
from bank_shared.rows import row_as
from ledger_service import service
from ledger_service.repository import LedgerAccount

OWNER = uuid.uuid4()


def account(**changes: Any) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "owner_id": OWNER, "kind": "customer", "status": "active", "currency": "RUB",
            "balance": 0, "held": 0, "overdraft_limit": 0, **changes}


class FakeRepository:
    """The repository calls the account use cases make, over one in-memory account."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.status_set: list[tuple[UUID, str]] = []

    @property
    def account(self) -> LedgerAccount:
        return row_as(LedgerAccount, {"system_code": None, "allow_negative": False, **self.row})

    def lock_accounts(self, ids: list[UUID]) -> dict[UUID, LedgerAccount]:
        return {i: self.account for i in ids if i == self.account.id}

    def get_account(self, account_id: UUID) -> LedgerAccount | None:
        return self.account if account_id == self.account.id else None

    def set_status(self, account_id: UUID, status: str) -> None:
        self.status_set.append((account_id, status))


class FakeUow:
    connection = None


@pytest.fixture
def repository(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(row: dict[str, Any]) -> FakeRepository:
        fake = FakeRepository(row)
        monkeypatch.setattr(service, "LedgerRepository", lambda _connection: fake)
        return fake
    return install


@pytest.mark.parametrize("money", [{"balance": 100}, {"held": 100}, {"balance": -100}, {"balance": 100, "held": 100}])
def test_an_account_with_money_or_an_active_hold_cannot_be_closed(repository: Any, money: dict[str, int]) -> None:
    fake = repository(account(**money))
    with pytest.raises(AccountNotEmpty):
        service.close_account(FakeUow(), fake.row["id"])  # type: ignore[arg-type]
    assert fake.status_set == []


def test_an_empty_account_closes_once(repository: Any) -> None:
    fake = repository(account())
    assert service.close_account(FakeUow(), fake.row["id"]).status == "closed"  # type: ignore[arg-type]
    assert fake.status_set == [(fake.row["id"], "closed")]
    fake.row["status"] = "closed"
    service.close_account(FakeUow(), fake.row["id"])  # type: ignore[arg-type]
    assert len(fake.status_set) == 1  # closing a closed account changes nothing


def test_system_accounts_are_not_closed_through_this_route(repository: Any) -> None:
    fake = repository(account(kind="system"))
    with pytest.raises(AccountNotFound):
        service.close_account(FakeUow(), fake.row["id"])  # type: ignore[arg-type]


def test_a_customer_sees_only_their_own_account(repository: Any) -> None:
    fake = repository(account(balance=12_345))
    owner = Principal(str(OWNER), frozenset({"customer"}), frozenset(), {})
    stranger = Principal(str(uuid.uuid4()), frozenset({"customer"}), frozenset(), {})
    assert service.get_balance(FakeUow(), owner, fake.row["id"])["balance"]["amount"] == "123.45"  # type: ignore[arg-type]
    with pytest.raises(AccountNotFound):
        service.get_balance(FakeUow(), stranger, fake.row["id"])  # type: ignore[arg-type]


@pytest.mark.parametrize("roles", [{"employee"}, {"admin"}, {"service"}])
def test_staff_and_services_see_any_account(repository: Any, roles: set[str]) -> None:
    fake = repository(account(balance=1))
    someone = Principal("x", frozenset(roles), frozenset(), {})
    assert service.get_balance(FakeUow(), someone, fake.row["id"])["account_id"] == str(fake.row["id"])  # type: ignore[arg-type]
