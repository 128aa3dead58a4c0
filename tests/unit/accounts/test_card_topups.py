"""Card top-ups against fakes of the repositories, the acquirer and the ledger: the limits and the currency, the
state machine (creating -> pending -> succeeded | failed, or refunding -> refunded when the ledger refuses the
credit for good), idempotency (the same Idempotency-Key answers the same
top-up and asks the acquirer once; a webhook twice, or a webhook and the sweep, credit once), an unknown
payment or another customer's account refused, and the webhook's signature checked at the door."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from accounts_service import card_topup_refunds, card_topups, card_topups_clients, signed_doors
from accounts_service.api import app
from accounts_service.card_topups_repository import Topup
from accounts_service.repository import Account
from bank_shared.acquiring import SIGNATURE_HEADER, sign
from bank_shared.errors import AccountNotFound, IdempotencyKeyReused
from bank_shared.http import Answer
from bank_shared.rows import row_as, row_or_none, rows_as

OWNER, STRANGER, ACCOUNT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
WEBHOOK_KEY = "w" * 48
EVENTS: list[Any] = []


class FakeUow:
    connection = None

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *args: object) -> None:
        return None


class FakeAccounts:
    rows: dict[UUID, dict[str, Any]] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def get(self, account_id: UUID, *, lock: bool = False) -> Account | None:
        return row_or_none(Account, self.rows.get(account_id))


class FakeTopups:
    """The SQL's effects, in memory (the SQL itself runs end to end in tests/e2e/test_card_topups.py)."""

    rows: dict[UUID, dict[str, Any]] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def insert(self, topup_id: UUID, owner_id: UUID, account_id: UUID, key: str, amount: int,
               currency: str) -> Topup | None:
        if self.by_key(owner_id, key):
            return None
        now = datetime.now(UTC)
        self.rows[topup_id] = {"id": topup_id, "owner_id": owner_id, "account_id": account_id, "key": key,
                               "amount": amount, "currency": currency, "status": "creating", "payment_id": None,
                               "confirmation_url": None, "card_mask": None, "failure_reason": None,
                               "transaction_id": None, "refund_id": None, "created_at": now, "updated_at": now}
        return row_as(Topup, self.rows[topup_id])

    def by_key(self, owner_id: UUID, key: str) -> Topup | None:
        return next((row_as(Topup, r) for r in self.rows.values() if (r["owner_id"], r["key"]) == (owner_id, key)),
                    None)

    def get(self, topup_id: UUID, *, lock: bool = False) -> Topup | None:
        return row_or_none(Topup, self.rows.get(topup_id))

    def by_payment(self, payment_id: str) -> Topup | None:
        return next((row_as(Topup, r) for r in self.rows.values() if r["payment_id"] == payment_id), None)

    def transition(self, topup_id: UUID, from_status: str, to_status: str, **fields: Any) -> Topup | None:
        row = self.rows[topup_id]
        if row["status"] != from_status:
            return None
        row.update(fields, status=to_status, updated_at=datetime.now(UTC))
        return row_as(Topup, row)

    def stale(self, older_than: datetime, limit: int) -> list[Topup]:
        return rows_as(Topup, [r for r in self.rows.values()
                               if r["status"] in ("creating", "pending", "refunding") and r["created_at"] < older_than
                               ][:limit])


class FakeAcquirer:
    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self.created: list[str] = []
        self.refunds: dict[str, dict[str, Any]] = {}  # by Idempotence-Key, as the acquirer keeps them
        self.refund_outage = False

    def create_payment(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        self.created.append(key)
        payment_id = f"pay-{key}"
        self.payments.setdefault(payment_id, {"id": payment_id, "status": "pending", "amount": body["amount"],
                                              "confirmation": {"confirmation_url": f"http://acq/pay/{payment_id}"}})
        return self.payments[payment_id]

    def get_payment(self, payment_id: str) -> dict[str, Any]:
        if payment_id not in self.payments:  # what HttpAcquirer raises for the acquirer's 404
            raise card_topups_clients.PaymentUnknown(f"acquirer does not know {payment_id}", dependency="acquirer")
        return self.payments[payment_id]

    def refund(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        if self.refund_outage:
            raise card_topups_clients.AcquirerUnavailable("acquirer: down", dependency="acquirer")
        return self.refunds.setdefault(key, {"id": f"refund-{len(self.refunds) + 1}", "status": "succeeded",
                                             "payment_id": body["payment_id"], "amount": body["amount"]})

    def finish(self, payment_id: str, status: str, reason: str | None = None) -> dict[str, Any]:
        payment = self.payments[payment_id]
        payment["status"] = status
        if status == "succeeded":
            payment["payment_method"] = {"type": "bank_card", "card": {"first6": "411111", "last4": "1111"}}
        if reason:
            payment["cancellation_details"] = {"party": "issuer", "reason": reason}
        return payment


class FakeLedger:
    def __init__(self) -> None:
        self.credits: dict[str, dict[str, Any]] = {}
        self.refusal: Answer | None = None

    def topup(self, key: str, body: dict[str, Any]) -> Answer:
        if self.refusal is not None:
            return self.refusal
        replayed = key in self.credits
        self.credits.setdefault(key, body)
        return Answer(201, {"transaction_id": str(uuid.uuid5(uuid.NAMESPACE_URL, key))}, replayed)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeAcquirer, FakeLedger]:
    FakeAccounts.rows = {ACCOUNT: {"id": ACCOUNT, "number": "40817810000000000001", "owner_id": OWNER,
                                   "product_code": "current", "currency": "RUB", "status": "active",
                                   "opened_at": datetime.now(UTC), "closed_at": None}}
    FakeTopups.rows = {}
    monkeypatch.setattr(card_topups, "UnitOfWork", FakeUow)
    monkeypatch.setattr(card_topups, "AccountsRepository", FakeAccounts)
    monkeypatch.setattr(card_topups, "CardTopupsRepository", FakeTopups)
    monkeypatch.setattr(card_topup_refunds, "UnitOfWork", FakeUow)
    monkeypatch.setattr(card_topup_refunds, "CardTopupsRepository", FakeTopups)
    EVENTS.clear()
    monkeypatch.setattr(card_topup_refunds, "record_event", lambda _uow, event: EVENTS.append(event))
    acquirer, ledger = FakeAcquirer(), FakeLedger()
    card_topups_clients.set_acquirer(acquirer)
    card_topups_clients.set_credit_ledger(ledger)
    yield acquirer, ledger
    card_topups_clients.set_acquirer(None)
    card_topups_clients.set_credit_ledger(None)


def _start(amount: str = "1500.00", key: str = "k1", owner: UUID = OWNER, currency: str = "RUB") -> dict[str, Any]:
    return card_topups.start(card_topups.TopupRequest(owner, ACCOUNT, amount, currency, key))


def test_a_top_up_opens_one_payment_per_idempotency_key(world: tuple[FakeAcquirer, FakeLedger]) -> None:
    acquirer, _ = world
    first = _start()
    assert first["status"] == "pending" and first["amount"] == "1500.00"
    assert first["confirmation_url"] == f"http://acq/pay/pay-{first['id']}"
    assert _start() == first and acquirer.created == [str(first["id"])]
    with pytest.raises(IdempotencyKeyReused):
        _start("10.00")
    assert _start(key="k2")["id"] != first["id"]


@pytest.mark.parametrize(("amount", "currency", "code"), [
    ("9.99", "RUB", "card_topup_amount_out_of_range"), ("300000.01", "RUB", "card_topup_amount_out_of_range"),
    ("100.00", "USD", "card_topup_currency_not_supported")])
def test_limits_and_currency(world: tuple[FakeAcquirer, FakeLedger], amount: str, currency: str, code: str) -> None:
    with pytest.raises(Exception) as refused:
        _start(amount, currency=currency)
    assert getattr(refused.value, "code", None) == code
    assert FakeTopups.rows == {}


def test_another_customers_account_is_not_found(world: tuple[FakeAcquirer, FakeLedger]) -> None:
    with pytest.raises(AccountNotFound):
        _start(owner=STRANGER)
    first = _start()
    with pytest.raises(card_topups.CardTopupNotFound):
        card_topups.get(STRANGER, first["id"])


def test_success_credits_once_however_often_it_is_told(world: tuple[FakeAcquirer, FakeLedger]) -> None:
    acquirer, ledger = world
    topup = _start()
    payment = acquirer.finish(f"pay-{topup['id']}", "succeeded")
    done = card_topups.apply_outcome(payment)
    assert done["status"] == "succeeded" and done["card_mask"] == "411111******1111"
    assert card_topups.apply_outcome(payment)["transaction_id"] == done["transaction_id"]
    FakeTopups.rows[topup["id"]]["created_at"] -= timedelta(hours=1)
    card_topups.sweep(datetime.now(UTC))
    assert list(ledger.credits) == [f"card-topup-{topup['id']}"]
    credit = ledger.credits[f"card-topup-{topup['id']}"]
    assert credit == {"account_id": str(ACCOUNT), "amount": "1500.00", "currency": "RUB", "source": "settlement",
                      "requested_by": str(OWNER), "description": "Card top-up 411111******1111",
                      "counterparty": {"kind": "card", "name": "•• 1111"}}  # bug: the full mask or none


def test_a_decline_fails_with_the_reason_and_credits_nothing(world: tuple[FakeAcquirer, FakeLedger]) -> None:
    acquirer, ledger = world
    topup = _start()
    payment = acquirer.finish(f"pay-{topup['id']}", "canceled", "insufficient_funds")
    assert card_topups.apply_outcome(payment)["failure_reason"] == "insufficient_funds"
    assert card_topups.get(OWNER, topup["id"])["status"] == "failed" and ledger.credits == {}


def test_the_sweep_settles_old_open_top_ups_by_asking_the_acquirer(world: tuple[FakeAcquirer, FakeLedger]) -> None:
    acquirer, ledger = world
    old, recent = _start(key="old"), _start(key="recent")
    FakeTopups.rows[old["id"]]["created_at"] -= timedelta(hours=1)
    FakeTopups.rows[recent["id"]]["created_at"] -= timedelta(hours=1)
    acquirer.finish(f"pay-{old['id']}", "succeeded")
    assert card_topups.sweep(datetime.now(UTC)) == {"checked": 2, "settled": 1}
    assert card_topups.get(OWNER, old["id"])["status"] == "succeeded"
    assert card_topups.get(OWNER, recent["id"])["status"] == "pending" and len(ledger.credits) == 1
    stuck = FakeTopups.rows[uuid.uuid4()] = {**FakeTopups.rows[recent["id"]], "status": "creating", "key": "x",
                                             "payment_id": None}
    stuck["id"] = next(k for k, v in FakeTopups.rows.items() if v is stuck)
    card_topups.sweep(datetime.now(UTC))
    assert FakeTopups.rows[stuck["id"]]["status"] == "failed" and stuck["failure_reason"] == "not_started"


def test_an_unknown_payment_or_a_wrong_amount_is_refused(world: tuple[FakeAcquirer, FakeLedger]) -> None:
    acquirer, ledger = world
    with pytest.raises(card_topups.CardTopupNotFound):
        card_topups.apply_outcome({"id": "nope", "status": "succeeded", "amount": {"value": "1.00",
                                                                                    "currency": "RUB"}})
    topup = _start()
    payment = {**acquirer.finish(f"pay-{topup['id']}", "succeeded"), "amount": {"value": "15000.00",
                                                                                 "currency": "RUB"}}
    with pytest.raises(card_topups.CardTopupMismatch):
        card_topups.apply_outcome(payment)
    assert ledger.credits == {}


def test_the_webhook_door_checks_the_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signed_doors, "secret_json", lambda _id: {"webhook_key": WEBHOOK_KEY})
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(card_topups, "apply_outcome",
                        lambda payment: seen.append(payment) or {"id": uuid.uuid4(), "status": "succeeded"})
    body = json.dumps({"type": "notification", "event": "payment.succeeded", "object": {
        "id": "p1", "status": "succeeded", "amount": {"value": "10.00", "currency": "RUB"}}}).encode()
    client = TestClient(app, raise_server_exceptions=False)
    path = "/api/accounts/acquiring/webhook"
    for header in (None, sign("another key", body), sign(WEBHOOK_KEY, body, 1_000_000_000),
                   sign(WEBHOOK_KEY, body + b" ")):
        signed = {SIGNATURE_HEADER: header} if header else {}
        refused = client.post(path, content=body, headers={"Content-Type": "application/json", **signed})
        assert refused.status_code == 401 and refused.json()["code"] == "acquirer_signature_invalid"
    assert seen == []
    accepted = client.post(path, content=body, headers={"Content-Type": "application/json",
                                                        SIGNATURE_HEADER: sign(WEBHOOK_KEY, body)})
    assert accepted.status_code == 200, accepted.text
    assert seen[0]["id"] == "p1" and seen[0]["status"] == "succeeded"


def test_a_payment_the_acquirer_does_not_know_does_not_hold_back_the_sweep(
        world: tuple[FakeAcquirer, FakeLedger]) -> None:
    # bug: the first top-up whose payment the acquirer answered 404 for stopped the sweep, so every later one waited
    acquirer, ledger = world
    lost, paid = _start(key="lost"), _start(key="paid")
    FakeTopups.rows[lost["id"]]["created_at"] -= timedelta(hours=2)  # oldest: the sweep reaches it first
    FakeTopups.rows[paid["id"]]["created_at"] -= timedelta(hours=1)
    del acquirer.payments[f"pay-{lost['id']}"]
    acquirer.finish(f"pay-{paid['id']}", "succeeded")
    assert card_topups.sweep(datetime.now(UTC)) == {"checked": 2, "settled": 1}
    assert card_topups.get(OWNER, paid["id"])["status"] == "succeeded" and len(ledger.credits) == 1
    assert card_topups.get(OWNER, lost["id"])["status"] == "pending"  # left for a person, not guessed


def test_the_acquirer_client_tells_an_unknown_payment_from_an_outage(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    monkeypatch.setattr(card_topups_clients, "secret_json", lambda _secret_id: {"shop_id": "1", "secret_key": "k"})
    for status, refusal in ((404, card_topups_clients.PaymentUnknown), (500, card_topups_clients.AcquirerUnavailable)):
        monkeypatch.setattr(httpx, "request", lambda *_a, status=status, **_k: httpx.Response(status, json={}))
        with pytest.raises(refusal) as refused:
            card_topups_clients.HttpAcquirer().get_payment("pay-1")
        assert type(refused.value) is refusal
