"""Accounts asks the ledger only between its own transactions (the transaction guard raises otherwise), and an
opening's retries register the same ledger account: checked in the fast tier with the real UnitOfWork over a
fake connection, a fake repository and a ledger that goes through the guard as a real call would."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from accounts_service import service
from accounts_service.repository import Account, Product
from bank_shared.auth import Principal
from bank_shared.idempotency import IdempotentResult
from bank_shared.rows import row_as, rows_as
from bank_shared.transaction_guard import network_call
from tests.support.fake_db import fake_unit_of_work

OWNER = uuid.uuid4()
PRODUCT = {"code": "current", "name": "Current account", "kind": "current", "self_service": True,
           "currencies": ["RUB"], "max_per_owner": 5, "balance_account": "40817", "overdraft_limit": 0}


unit_of_work = fake_unit_of_work


class FakeRepository:
    accounts: dict[UUID, dict[str, Any]] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def product(self, code: str) -> Product | None:
        return row_as(Product, PRODUCT) if code == PRODUCT["code"] else None

    def count_open(self, owner: UUID, code: str) -> int:
        return sum(1 for row in self.accounts.values() if row["owner_id"] == owner and row["status"] == "active")

    def next_serial(self) -> int:
        return len(self.accounts) + 1

    def insert_account(self, account_id: UUID, number: str, owner: UUID, code: str, currency: str,
                       actor: str) -> Account:
        row = {"id": account_id, "owner_id": owner, "number": number, "currency": currency, "product_code": code,
               "status": "active", "opened_at": None, "closed_at": None}
        self.accounts[account_id] = row
        return row_as(Account, row)

    def get(self, account_id: UUID, *, lock: bool = False) -> Account | None:
        row = self.accounts.get(account_id)
        return row_as(Account, row) if row else None

    def by_owner(self, owner: UUID) -> list[Account]:
        return rows_as(Account, (row for row in self.accounts.values() if row["owner_id"] == owner))

    def mark_closed(self, account_id: UUID) -> Account:
        self.accounts[account_id]["status"] = "closed"
        return row_as(Account, self.accounts[account_id])


class GuardedLedger:
    """Every call passes the transaction guard first, as ServiceClient does."""

    def __init__(self) -> None:
        self.registered: list[UUID] = []
        self.closed: list[UUID] = []

    def register(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> None:
        network_call("service:ledger")
        self.registered.append(account_id)

    def balances(self, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        network_call("service:ledger")
        return {}

    def close(self, account_id: UUID) -> None:
        network_call("service:ledger")
        self.closed.append(account_id)


class StoredAnswers:
    """run_idempotent / stored_result over a dict instead of the idempotency_keys table."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], IdempotentResult] = {}

    def stored(self, _connection: Any, scope: str, key: str, _hash: str) -> IdempotentResult | None:
        found = self.answers.get((scope, key))
        return IdempotentResult(found.status, found.body, replayed=True) if found else None

    def run(self, connection: Any, scope: str, key: str, request_hash: str,
            operation: Callable[[], tuple[int, dict[str, Any]]]) -> IdempotentResult:
        if (done := self.stored(connection, scope, key, request_hash)) is not None:
            return done
        status, body = operation()
        self.answers[(scope, key)] = IdempotentResult(status, body, replayed=False)
        return self.answers[(scope, key)]


@pytest.fixture
def ledger(monkeypatch: pytest.MonkeyPatch) -> GuardedLedger:
    fake = GuardedLedger()
    answers = StoredAnswers()
    FakeRepository.accounts = {}
    monkeypatch.setattr(service, "AccountsRepository", FakeRepository)
    monkeypatch.setattr(service, "get_ledger", lambda: fake)
    monkeypatch.setattr(service, "stored_result", answers.stored)
    monkeypatch.setattr(service, "run_idempotent", answers.run)
    monkeypatch.setattr(service, "record_event", lambda _uow, _event: None)
    return fake


def customer() -> Principal:
    return Principal(str(OWNER), frozenset({"customer"}), frozenset(), {})


def open_one(key: str) -> IdempotentResult:
    return service.open_account(customer(), key, "current", "RUB", unit_of_work=unit_of_work)


def test_opening_registers_in_the_ledger_between_transactions(ledger: GuardedLedger) -> None:
    result = open_one("key-1")
    assert result.status == 201 and not result.replayed
    assert ledger.registered == [UUID(result.body["id"])] == [service.opened_account_id(str(OWNER), "key-1")]


def test_a_retry_is_answered_from_the_stored_result_without_asking_the_ledger(ledger: GuardedLedger) -> None:
    first = open_one("key-2")
    again = open_one("key-2")
    assert again.replayed and again.body == first.body
    assert len(ledger.registered) == 1


def test_a_refused_opening_never_reaches_the_ledger(ledger: GuardedLedger) -> None:
    with pytest.raises(service.CurrencyNotOffered):
        service.open_account(customer(), "key-3", "current", "USD", unit_of_work=unit_of_work)
    assert ledger.registered == []


def test_reading_and_closing_ask_the_ledger_outside_the_transaction(ledger: GuardedLedger) -> None:
    account_id = UUID(open_one("key-4").body["id"])
    assert service.get_account(customer(), account_id, unit_of_work)["id"] == str(account_id)
    assert [row["id"] for row in service.my_accounts(customer(), unit_of_work)] == [str(account_id)]
    assert service.close_account(customer(), account_id, unit_of_work)["status"] == "closed"
    assert ledger.closed == [account_id]
    assert service.close_account(customer(), account_id, unit_of_work)["status"] == "closed"
    assert ledger.closed == [account_id]  # an account already closed here is not closed again
