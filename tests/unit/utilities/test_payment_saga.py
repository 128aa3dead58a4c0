"""The utility-payment saga in the fast tier: utilities' use cases over an in-memory repository, the ledger
behind its client is the ledger's own hold use cases over an in-memory ledger. Each step and its compensation:
record (once per key), hold (a refusal fails the payment, nothing held), capture (a refusal voids the hold),
a crash between steps resumed by a retry or the schedule without moving money twice. Each names its bug."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest

from bank_shared.errors import DependencyUnavailable, IdempotencyKeyReused
from bank_shared.internal_models import AccountInfo
from ledger_service import holds, postings
from ledger_service import service as ledger_service
from ledger_service.repository import LedgerRepository
from tests.support.fakes import FakeDatabase, install
from tests.support.fakes.ledger import InMemoryLedger
from tests.support.fakes.utilities import HoldsOverFakes, InMemoryUtilities, provider_row
from utilities_service import service
from utilities_service.repository import PaymentRepository, ProviderRepository

ANN, BOB = uuid.uuid4(), uuid.uuid4()


@dataclass
class World:
    db: FakeDatabase
    utilities: InMemoryUtilities
    ledger: InMemoryLedger
    client: HoldsOverFakes
    provider: dict[str, Any]
    source: UUID
    directory: dict[UUID, AccountInfo]

    def account(self, account_id: UUID) -> AccountInfo | None:
        return self.directory.get(account_id)

    def pay(self, key: str = "p-1", amount: str = "1500.00", payer: UUID = ANN, source: UUID | None = None) -> Any:
        order = service.PayOrder(payer, self.provider["id"], source or self.source, "1234567890", amount, "RUB")
        return service.pay(self.db.unit_of_work, order, key, self, self.client, 600)

    def payment(self) -> dict[str, Any]:
        [row] = self.utilities.state["payments"].values()
        return dict(row)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    db, ledger_db = FakeDatabase(), FakeDatabase()
    utilities = InMemoryUtilities()
    db.register(PaymentRepository, utilities)
    db.register(ProviderRepository, utilities)
    install(monkeypatch, PaymentRepository, service)
    install(monkeypatch, ProviderRepository, service)
    ledger = ledger_db.register(LedgerRepository, InMemoryLedger())
    install(monkeypatch, LedgerRepository, ledger_service, holds, postings)
    provider = provider_row()
    utilities.state["providers"][provider["id"]] = provider
    source = ledger.customer_account(ANN, balance=500_000)
    directory = {source: AccountInfo(source, ANN, "RUB", "active")}
    return World(db, utilities, ledger, HoldsOverFakes(ledger_db), provider, source, directory)


def test_a_payment_holds_then_captures_into_the_providers_account_once(world: World) -> None:
    result = world.pay()
    assert result.status == 201 and result.body["status"] == "completed"
    settlement = world.provider["ledger_account_id"]
    assert world.ledger.account(world.source)["balance"] == 350_000 and world.ledger.account(world.source)["held"] == 0
    assert world.ledger.account(settlement)["balance"] == 150_000
    assert [step for step, _ in world.client.calls] == ["hold", "capture"]
    [capture] = [p for p in world.ledger.state["postings"] if p["account_id"] == world.source and p["amount"] < 0]
    assert capture["counterparty"] == {"kind": "provider", "name": "Мосэнергосбыт"}  # bug: no counterparty
    assert world.db.connection.events("utility.paid")[0]["data"]["transaction_id"] == result.body["transaction_id"]
    again = world.pay()
    assert again.replayed and again.body == result.body and len(world.client.calls) == 2  # bug: no stored answer
    with pytest.raises(IdempotencyKeyReused):
        world.pay(amount="1.00")


def test_a_refused_hold_fails_the_payment_and_moves_nothing(world: World) -> None:
    result = world.pay(amount="9000.00")
    assert (result.status, result.body["code"]) == (422, "insufficient_funds")
    assert world.payment()["status"] == "failed" and world.ledger.account(world.source)["held"] == 0
    assert [step for step, _ in world.client.calls] == ["hold"]
    assert world.pay(amount="9000.00").replayed  # the failure is the key's answer


def test_a_refused_capture_voids_the_hold(world: World) -> None:
    world.ledger.insert_customer_account(world.provider["ledger_account_id"], world.provider["id"], "USD", 0)
    world.client.settlement_accounts.append(world.provider["ledger_account_id"])  # registered, in another currency
    result = world.pay()
    assert (result.status, result.body["code"]) == (422, "currency_mismatch")
    assert [step for step, _ in world.client.calls] == ["hold", "capture", "void"]
    assert world.ledger.account(world.source)["held"] == 0  # bug: the compensation (void) left out
    assert world.ledger.account(world.source)["balance"] == 500_000 and world.payment()["status"] == "failed"


def test_a_ledger_outage_at_capture_leaves_the_payment_held_for_the_schedule(world: World) -> None:
    world.client.outage.add("capture")
    with pytest.raises(DependencyUnavailable):
        world.pay()
    assert world.payment()["status"] == "held" and world.ledger.account(world.source)["held"] == 150_000
    world.client.outage.clear()
    counts = service.finish_stuck_payments(world.db.unit_of_work, world.client, 60, 10, 600)
    assert counts == {"found": 1, "completed": 1, "failed": 0, "unresolved": 0}
    assert world.ledger.account(world.source)["balance"] == 350_000 and world.ledger.account(world.source)["held"] == 0
    assert world.pay().replayed  # the customer's retry gets the schedule's answer


def test_a_crash_after_the_ledger_held_is_resumed_without_a_second_hold(world: World) -> None:
    world.utilities.fail_next["mark_held"] = RuntimeError("the function died")
    with pytest.raises(RuntimeError):
        world.pay()
    assert world.payment()["status"] == "pending" and world.ledger.account(world.source)["held"] == 150_000
    assert world.pay().status == 201  # the retry replays the hold under its key, then captures
    assert world.ledger.account(world.source)["balance"] == 350_000 and world.ledger.account(world.source)["held"] == 0
    assert len(world.ledger.state["holds"]) == 1


def test_an_unreachable_ledger_leaves_the_schedule_an_unresolved_payment(world: World) -> None:
    world.client.outage.add("hold")
    with pytest.raises(DependencyUnavailable):
        world.pay()
    assert service.finish_stuck_payments(world.db.unit_of_work, world.client, 60, 10, 600)["unresolved"] == 1
    assert world.payment()["status"] == "pending"


def test_only_the_payers_own_active_account_in_rubles_pays(world: World) -> None:
    bobs = world.ledger.customer_account(BOB, balance=500_000)
    closed = world.ledger.customer_account(ANN, balance=500_000)
    world.directory[bobs] = AccountInfo(bobs, BOB, "RUB", "active")
    world.directory[closed] = AccountInfo(closed, ANN, "RUB", "closed")
    with pytest.raises(service.AccountNotFound):
        world.pay(key="a", source=bobs)
    with pytest.raises(service.AccountNotFound):
        world.pay(key="b", source=uuid.uuid4())
    with pytest.raises(service.AccountClosed):
        world.pay(key="c", source=closed)
    assert world.utilities.state["payments"] == {} and world.client.calls == []


def test_a_payment_is_seen_by_its_payer_only(world: World) -> None:
    payment_id = UUID(world.pay().body["id"])
    with world.db.unit_of_work() as uow:
        assert service.get_payment(uow, ANN, payment_id)["status"] == "completed"
        with pytest.raises(service.PaymentNotFound):
            service.get_payment(uow, BOB, payment_id)
        assert [p["id"] for p in service.list_payments(uow, ANN, None, 10)[0]] == [str(payment_id)]
        assert service.list_payments(uow, BOB, None, 10) == ([], None)
