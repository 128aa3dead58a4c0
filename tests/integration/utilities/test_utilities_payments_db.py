"""The payment saga against the stack's utilities database, with fakes for accounts and the ledger: a
payment completes with utility.paid in the outbox, replays return the stored answer, a refused hold fails
it, a refused capture voids the hold, a crash mid-saga is finished by the sweep under the same ledger keys,
and payments are visible to their payer only."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest

from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.errors import AppError
from bank_shared.events import outbox
from bank_shared.http import Answer
from bank_shared.internal_models import AccountInfo
from bank_shared.migrations import upgrade_head
from tests.support.stack import database_url
from utilities_service import service

ELECTRICITY = UUID("5b0f6a1e-0001-4c6e-9a51-000000000001")


class FakeAccounts:
    def __init__(self) -> None:
        self.known: dict[UUID, AccountInfo] = {}

    def add(self, owner: UUID, currency: str = "RUB", status: str = "active") -> UUID:
        account_id = uuid.uuid4()
        self.known[account_id] = AccountInfo(account_id, owner, currency, status)
        return account_id

    def account(self, account_id: UUID) -> AccountInfo | None:
        return self.known.get(account_id)


class FakeLedger:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.holds: dict[str, Answer] = {}
        self.hold_refusal: Answer | None = None
        self.capture_answer: Answer | Exception = Answer(201, {"transaction_id": str(uuid.uuid4())})
        self.settlement_accounts: list[UUID] = []

    def hold(self, key: str, body: dict[str, Any]) -> Answer:
        self.calls.append(("hold", key))
        if self.hold_refusal is not None:
            return self.hold_refusal
        return self.holds.setdefault(key, Answer(201, {"id": str(uuid.uuid4())}))

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer:
        self.calls.append(("capture", key))
        if isinstance(self.capture_answer, Exception):
            raise self.capture_answer
        return self.capture_answer

    def void(self, key: str, hold_id: UUID) -> Answer:
        self.calls.append(("void", key))
        return Answer(200, {})

    def ensure_settlement_account(self, account_id: UUID, owner_id: UUID, currency: str) -> None:
        self.settlement_accounts.append(account_id)


@pytest.fixture(scope="module")
def utilities_url() -> str:
    url = database_url("utilities")
    upgrade_head("utilities", url)
    return url


@pytest.fixture
def connection(utilities_url: str) -> Iterator[Connection]:
    conn = connect(utilities_url)
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def no_inline_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)


def order(accounts: FakeAccounts, payer: UUID, **changes: Any) -> service.PayOrder:
    values: dict[str, Any] = {"payer_id": payer, "provider_id": ELECTRICITY, "from_account_id": accounts.add(payer),
                              "payer_account": "1234567890", "amount": "150.00", "currency": "RUB"}
    values.update(changes)
    return service.PayOrder(**values)


def factory(connection: Connection) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(connection)


def test_payment_completes_once_and_replays(connection: Connection) -> None:
    accounts, ledger, payer = FakeAccounts(), FakeLedger(), uuid.uuid4()
    pay_order, key = order(accounts, payer), str(uuid.uuid4())
    first = service.pay(factory(connection), pay_order, key, accounts, ledger, 600)
    assert first.status == 201 and not first.replayed and first.body["status"] == "completed"
    again = service.pay(factory(connection), pay_order, key, accounts, ledger, 600)
    assert again.replayed and again.body == first.body
    payment_id = first.body["id"]
    assert ledger.calls == [("hold", f"utility-hold-{payment_id}"), ("capture", f"utility-capture-{payment_id}")]
    event = connection.execute("SELECT topic, payload FROM outbox WHERE payload->'data'->>'payment_id' = %s",
                               (payment_id,)).fetchall()
    assert [e["topic"] for e in event] == ["utility.paid"] and event[0]["payload"]["data"]["amount"] == "150.00"
    with pytest.raises(AppError) as reused:
        service.pay(factory(connection), service.PayOrder(**{**pay_order.__dict__, "amount": "1.00"}), key,
                    accounts, ledger, 600)
    assert reused.value.code == "idempotency_key_reused"
    with UnitOfWork(connection) as uow:
        assert service.get_payment(uow, payer, UUID(payment_id))["status"] == "completed"
        with pytest.raises(AppError) as hidden:
            service.get_payment(uow, uuid.uuid4(), UUID(payment_id))
        assert hidden.value.code == "payment_not_found"
        items, _ = service.list_payments(uow, payer, None, 10)
        assert [p["id"] for p in items] == [payment_id]


def test_refusals(connection: Connection) -> None:
    accounts, ledger, payer = FakeAccounts(), FakeLedger(), uuid.uuid4()
    ledger.hold_refusal = Answer(422, {"code": "insufficient_funds", "title": "Insufficient funds",
                                             "detail": "Available balance is below the hold amount"})
    failed = service.pay(factory(connection), order(accounts, payer), str(uuid.uuid4()), accounts, ledger, 600)
    assert failed.status == 422 and failed.body["code"] == "insufficient_funds" and failed.body["payment_id"]
    ledger.hold_refusal = None
    ledger.capture_answer = Answer(422, {"code": "hold_expired", "title": "Hold expired"})
    expired = service.pay(factory(connection), order(accounts, payer), str(uuid.uuid4()), accounts, ledger, 600)
    assert expired.status == 422 and ledger.calls[-1][0] == "void"
    stranger = order(accounts, uuid.uuid4())
    with pytest.raises(AppError) as foreign:
        service.pay(factory(connection), service.PayOrder(**{**stranger.__dict__, "payer_id": payer}),
                    str(uuid.uuid4()), accounts, ledger, 600)
    assert foreign.value.code == "account_not_found"


def test_sweep_finishes_a_payment_a_crash_left_held(connection: Connection) -> None:
    from bank_shared.errors import DependencyUnavailable

    accounts, ledger, payer = FakeAccounts(), FakeLedger(), uuid.uuid4()
    ledger.capture_answer = DependencyUnavailable("ledger down")
    key = str(uuid.uuid4())
    with pytest.raises(DependencyUnavailable):
        service.pay(factory(connection), order(accounts, payer), key, accounts, ledger, 600)
    row = connection.execute("SELECT id, status FROM payments WHERE idempotency_key = %s", (key,)).fetchone()
    assert row is not None and row["status"] == "held"
    connection.execute("UPDATE payments SET updated_at = now() - interval '1 hour' WHERE id = %s", (row["id"],))
    ledger.capture_answer = Answer(201, {"transaction_id": str(uuid.uuid4())})
    counts = service.finish_stuck_payments(factory(connection), ledger, 60, 500, 600)
    assert counts["completed"] >= 1
    assert ("hold", f"utility-hold-{row['id']}") not in ledger.calls[1:]  # the hold was not taken twice
    stored = connection.execute("SELECT response_status FROM idempotency_keys WHERE idempotency_key = %s",
                                (key,)).fetchone()
    assert stored is not None and stored["response_status"] == 201
