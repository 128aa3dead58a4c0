"""Web push against the stack's notifications database: subscriptions are the owner's only, a redelivered
payment.executed pushes once per subscription (the push_deliveries key), a subscription whose push service
answers 410 is deleted, a failure leaves it, and the push switch of a kind stops its pushes. The push service
is replaced by a recorder of `push.send` (the real one, the stand-in, is in tests/e2e/test_web_push.py)."""

from __future__ import annotations

import os
import uuid
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bank_shared.db import Connection, UnitOfWork
from bank_shared.errors import AppError
from bank_shared.events.consumer import handle_kafka_batch
from notifications_service import push, service, templates
from notifications_service.api import EVENT_HANDLERS
from notifications_service.repository import ClaimedPush
from notifications_service.settings import get_notifications_settings
from tests.integration.notifications.test_inbox_db import Owners, batch, connection, owners, transfer

__all__ = ["connection", "owners"]  # fixtures


def keys() -> tuple[str, str]:
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return push.b64url(point), push.b64url(os.urandom(16))


def endpoint() -> str:
    return f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4().hex}"


class Sent:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.status: dict[str, int | None] = {}

    def __call__(self, subscription: ClaimedPush, data: str) -> int | None:
        self.calls.append((subscription.endpoint, data))
        return self.status.get(subscription.endpoint, 201)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    recorder = Sent()
    monkeypatch.setattr(push, "send", recorder)
    return recorder


def subscribe(connection: Connection, user: UUID, url: str) -> dict[str, Any]:
    with UnitOfWork(connection) as uow:
        return push.subscribe(uow, user, url, *keys())


def test_pushes_once_per_event_and_subscription_and_gone_ones_are_removed(
        connection: Connection, owners: Owners, sent: Sent) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    a1, b1 = owners.add(alice), owners.add(bob)
    live, gone, broken = endpoint(), endpoint(), endpoint()
    kept = subscribe(connection, bob, live)
    removed = subscribe(connection, bob, gone)
    failing = subscribe(connection, bob, broken)
    sent.status = {gone: 410, broken: 503}

    event = transfer(a1, b1, "7.00")
    assert handle_kafka_batch(batch(event), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    assert sorted(url for url, _ in sent.calls) == sorted([live, gone, broken])  # alice has no subscription
    assert all('"title":"Поступление"' in data for _, data in sent.calls)
    with UnitOfWork(connection) as uow:
        assert [s["id"] for s in push.list_subscriptions(uow, bob)] == [kept["id"], failing["id"]]
        assert removed["id"] not in {s["id"] for s in push.list_subscriptions(uow, bob)}

    # the same event again (a redelivery that reached the handler): no second push to anyone
    sent.calls.clear()
    with UnitOfWork(connection) as uow:
        push.push_notice(uow, event, bob, "payment_received", templates.InboxText("t", "b"))
    assert sent.calls == []

    # the push switch of the kind
    with UnitOfWork(connection) as uow:
        service.update_preferences(uow, bob, None, {"payment_received": {"push": False}})
    assert handle_kafka_batch(batch(transfer(a1, b1, "8.00")), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    assert sent.calls == []


def test_subscriptions_are_the_owners_only(connection: Connection) -> None:
    carol, dave = uuid.uuid4(), uuid.uuid4()
    mine = subscribe(connection, carol, endpoint())
    with UnitOfWork(connection) as uow:
        assert push.list_subscriptions(uow, dave) == []
    with UnitOfWork(connection) as uow, pytest.raises(AppError) as raised:
        push.unsubscribe(uow, dave, mine["id"])
    assert (raised.value.status, raised.value.code) == (404, "push_subscription_not_found")
    # the same browser subscribing for another user moves the subscription
    url = mine["endpoint"]
    again = subscribe(connection, dave, url)
    with UnitOfWork(connection) as uow:
        assert push.list_subscriptions(uow, carol) == []
        assert [s["id"] for s in push.list_subscriptions(uow, dave)] == [again["id"]] == [mine["id"]]
        push.unsubscribe(uow, dave, mine["id"])
        assert push.list_subscriptions(uow, dave) == []


def test_at_most_the_cap_of_subscriptions(connection: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    erin = uuid.uuid4()
    monkeypatch.setattr(get_notifications_settings(), "max_push_subscriptions_per_user", 2)
    first, _second = subscribe(connection, erin, endpoint()), subscribe(connection, erin, endpoint())
    with pytest.raises(AppError) as raised:
        subscribe(connection, erin, endpoint())
    assert raised.value.code == "too_many_push_subscriptions"
    assert subscribe(connection, erin, first["endpoint"])["id"] == first["id"]  # the same browser again is fine
