"""The inbox against the stack's notifications database: MSK batches of payment.executed and fx.exchanged
through the shared idempotent consumer (a redelivered event adds nothing), newest-first cursor pages, marking
read, unread counts, and another user's entry answering not found."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from bank_shared import db
from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.errors import AppError
from bank_shared.events import consumer
from bank_shared.events.consumer import handle_kafka_batch
from bank_shared.events.envelope import CloudEvent, new_event
from bank_shared.migrations import upgrade_head
from notifications_service import clients, inbox, service
from notifications_service.api import EVENT_HANDLERS
from notifications_service.clients import AccountOwner
from tests.support.stack import database_url


class Owners:
    def __init__(self) -> None:
        self.known: dict[UUID, AccountOwner] = {}

    def add(self, owner: UUID) -> UUID:
        account = uuid.uuid4()
        self.known[account] = AccountOwner(account, owner, f"408178100000{uuid.uuid4().int % 10**8:08d}")
        return account

    def owners(self, account_ids: list[UUID]) -> dict[UUID, AccountOwner]:
        return {a: self.known[a] for a in account_ids if a in self.known}


@pytest.fixture(scope="module")
def connection() -> Iterator[Connection]:
    url = database_url("notifications")
    upgrade_head("notifications", url)
    conn = connect(url)
    yield conn
    conn.close()


@pytest.fixture
def owners(monkeypatch: pytest.MonkeyPatch, connection: Connection) -> Iterator[Owners]:
    fake = Owners()
    # The consumer opens its own unit of work per event: on this test's connection to notifications' database.
    monkeypatch.setattr(consumer, "UnitOfWork", lambda: UnitOfWork(connection))
    # So do the deliveries after the commit (deliveries.py, push.py): the environment's connection is this one.
    monkeypatch.setattr(db, "_connection", connection)
    clients.set_accounts(fake)
    try:
        yield fake
    finally:
        clients.set_accounts(None)


def batch(*events: CloudEvent) -> dict[str, object]:
    records = [{"topic": event.type, "partition": 0, "offset": offset, "timestamp": 1,
                "timestampType": "CREATE_TIME", "key": base64.b64encode(b"k").decode(),
                "value": base64.b64encode(event.to_json()).decode(), "headers": []}
               for offset, event in enumerate(events)]
    return {"eventSource": "aws:kafka", "eventSourceArn": "arn:aws:kafka:eu-central-1:0:cluster/local/x",
            "records": {"t-0": records}}


def transfer(source: UUID, target: UUID, amount: str) -> CloudEvent:
    return new_event("payment.executed", "ledger", str(source), {
        "transaction_id": str(uuid.uuid4()), "type": "transfer", "from_account_id": str(source),
        "to_account_id": str(target), "amount": amount, "currency": "RUB", "amount_minor": 0, "description": "",
        "created_at": None, "initiated_by": "customer"})


# Recent: events older than mail_max_event_age_hours are history (filed as read; docs/events.md).
RECENT = (datetime.now(UTC) - timedelta(minutes=5)).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def exchanged(owner: UUID) -> CloudEvent:
    return new_event("fx.exchanged", "fx", str(uuid.uuid4()), {
        "quote_id": str(uuid.uuid4()), "transaction_id": str(uuid.uuid4()), "owner_id": str(owner),
        "from_account_id": str(uuid.uuid4()), "to_account_id": str(uuid.uuid4()), "sell_amount": "1000.00",
        "sell_currency": "RUB", "sell_amount_minor": 100000, "buy_amount": "12.21", "buy_currency": "USD",
        "buy_amount_minor": 1221, "rate": "0.012216083486", "mid_rate": "0.012277470841", "spread_bps": 50,
        "rate_date": "2026-11-25", "executed_at": RECENT})


def test_events_become_entries_once_and_only_their_owner_sees_them(connection: Connection, owners: Owners) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    a1, b1 = owners.add(alice), owners.add(bob)
    first, second, fx = transfer(a1, b1, "10.00"), transfer(a1, b1, "20.00"), exchanged(bob)
    counts = handle_kafka_batch(batch(first, second, fx), "notifications-test", EVENT_HANDLERS)
    assert counts == {"applied": 3, "duplicates": 0, "skipped": 0}
    again = handle_kafka_batch(batch(first, fx), "notifications-test", EVENT_HANDLERS)  # redelivery
    assert again == {"applied": 0, "duplicates": 2, "skipped": 0}

    with UnitOfWork(connection) as uow:
        assert inbox.unread_count(uow, alice) == 2 and inbox.unread_count(uow, bob) == 3
        page1 = inbox.list_inbox(uow, bob, 2, None, False)
        page2 = inbox.list_inbox(uow, bob, 2, page1["next_cursor"], False)
    items = page1["items"] + page2["items"]
    assert page2["next_cursor"] is None and len(items) == 3
    assert [i["created_at"] for i in items] == sorted((i["created_at"] for i in items), reverse=True)
    assert {i["title"] for i in items} == {"Поступление", "Обмен валюты выполнен"}
    fx_entry = next(i for i in items if i["kind"] == "fx_exchanged")
    assert fx_entry["data"]["buy"] == {"amount": "12.21", "currency": "USD"}
    assert fx_entry["created_at"] == RECENT

    mine = items[0]["id"]
    with UnitOfWork(connection) as uow, pytest.raises(AppError) as raised:
        inbox.mark_read(uow, alice, UUID(mine))  # Bob's entry, asked by Alice
    assert (raised.value.status, raised.value.code) == (404, "inbox_item_not_found")
    with UnitOfWork(connection) as uow:
        read = inbox.mark_read(uow, bob, UUID(mine))
        assert read["read"] and read["read_at"]
        assert inbox.mark_read(uow, bob, UUID(mine))["read_at"] == read["read_at"]  # idempotent
        assert inbox.unread_count(uow, bob) == 2
        unread = inbox.list_inbox(uow, bob, 10, None, True)["items"]
        assert mine not in {i["id"] for i in unread} and len(unread) == 2
        assert {i["kind"] for i in inbox.list_inbox(uow, alice, 10, None, False)["items"]} == {"payment_sent"}


def test_a_bad_cursor_is_a_problem(connection: Connection) -> None:
    with UnitOfWork(connection) as uow, pytest.raises(AppError) as raised:
        inbox.list_inbox(uow, uuid.uuid4(), 10, "bm90LWpzb24", False)
    assert raised.value.code == "invalid_cursor"


def test_a_replayed_old_event_is_filed_as_read(connection: Connection, owners: Owners) -> None:
    carol = uuid.uuid4()
    old = exchanged(carol)
    old.data["executed_at"] = "2025-01-10T10:00:00Z"
    assert handle_kafka_batch(batch(old), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    with UnitOfWork(connection) as uow:
        [entry] = inbox.list_inbox(uow, carol, 10, None, False)["items"]
        assert entry["read"] and entry["created_at"] == "2025-01-10T10:00:00Z"
        assert inbox.unread_count(uow, carol) == 0


def test_entries_follow_the_users_language(connection: Connection, owners: Owners) -> None:
    dave = uuid.uuid4()
    with UnitOfWork(connection) as uow:
        assert service.get_preferences(uow, dave)["language"] == "ru"
        assert service.set_language(uow, dave, "en")["language"] == "en"
        assert service.get_preferences(uow, dave)["language"] == "en"
    assert handle_kafka_batch(batch(exchanged(dave)), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    with UnitOfWork(connection) as uow:
        [entry] = inbox.list_inbox(uow, dave, 10, None, False)["items"]
    assert entry["title"] == "Currency exchanged" and "1,000.00" in entry["body"]


def test_channels_per_kind_and_security_notices_stay_on(connection: Connection, owners: Owners) -> None:
    erin, frank = uuid.uuid4(), uuid.uuid4()
    e1, f1 = owners.add(erin), owners.add(frank)
    with UnitOfWork(connection) as uow:
        chosen = service.update_preferences(uow, frank, None, {"payment_received": {"email": True, "inbox": False}})
        assert chosen["language"] == "ru" and chosen["channels"]["payment_received"] == {"email": True,
                                                                                         "inbox": False,
                                                                                         "push": True}
        assert chosen["channels"]["user_locked"] == {"email": True, "inbox": True, "push": True}
        # a channel not named keeps its choice
        chosen = service.update_preferences(uow, frank, None, {"payment_received": {"push": False}})
        assert chosen["channels"]["payment_received"] == {"email": True, "inbox": False, "push": False}
    for kind, code in (("user_locked", "security_notice_required"), ("nonsense", "unknown_notice_kind")):
        with UnitOfWork(connection) as uow, pytest.raises(AppError) as raised:
            service.update_preferences(uow, frank, None, {kind: {"email": False, "inbox": False}})
        assert (raised.value.status, raised.value.code) == (422, code)
    assert handle_kafka_batch(batch(transfer(e1, f1, "5.00")), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    with UnitOfWork(connection) as uow:
        assert [i["kind"] for i in inbox.list_inbox(uow, erin, 10, None, False)["items"]] == ["payment_sent"]
        assert inbox.list_inbox(uow, frank, 10, None, False)["items"] == []  # switched off by frank
        # a later change keeps the earlier choice of other kinds
        service.update_preferences(uow, frank, "en", {"account_opened": {"email": False, "inbox": True}})
        again = service.get_preferences(uow, frank)
    assert again["language"] == "en" and again["channels"]["payment_received"]["inbox"] is False
