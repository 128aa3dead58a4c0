"""The delivery queue against the stack's notifications database and LocalStack's SES: a notice's mail is
queued in the consumer's transaction and sent after the commit (no network call inside it, which the
transaction guard would refuse); a redelivered event queues nothing; a sender lost between the send and the
mark leaves its row `sending`, and the schedule's sweep sends that same row again once it is stale — at least
once, never a different mail or a second queued copy; a failed send is queued again for the sweep."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest

from bank_shared.aws import reset_clients
from bank_shared.db import Connection
from bank_shared.events.consumer import handle_kafka_batch
from bank_shared.events.envelope import CloudEvent, new_event
from notifications_service import clients, deliveries
from notifications_service.api import EVENT_HANDLERS
from notifications_service.clients import Recipient
from notifications_service.repository import NotificationRepository
from tests.integration.notifications.test_inbox_db import Owners, batch, connection, owners
from tests.support.stack import stack

__all__ = ["connection", "owners"]  # fixtures


class Crash(BaseException):
    """The sender's process dying (not an Exception: nothing on the way may catch it)."""


class Users:
    def __init__(self) -> None:
        self.known: dict[UUID, Recipient] = {}

    def add(self) -> Recipient:
        user = uuid.uuid4()
        self.known[user] = Recipient(user, f"queue-{user.hex[:12]}@example.com", "Queue Test")
        return self.known[user]

    def recipient(self, user_id: UUID) -> Recipient | None:
        return self.known.get(user_id)


@pytest.fixture
def users(monkeypatch: pytest.MonkeyPatch, owners: Owners) -> Iterator[Users]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack()["localstack_url"])
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", stack()["aws_region"])
    reset_clients()
    fake = Users()
    clients.set_users(fake)
    try:
        yield fake
    finally:
        clients.set_users(None)
        reset_clients()


def locked(user: UUID) -> CloudEvent:
    return new_event("user.locked", "auth", str(user), {
        "user_id": str(user), "reason": "too_many_failed_logins", "locked_for_seconds": 900})


def mails_to(email: str) -> list[dict[str, Any]]:
    messages = httpx.get(f"{stack()['localstack_url']}/_aws/ses", timeout=10).json()["messages"]
    return [m for m in messages if email in m["Destination"]["ToAddresses"]]


def rows_to(connection: Connection, email: str) -> list[dict[str, Any]]:
    return connection.execute(
        "SELECT id, status, attempts, body FROM notifications WHERE recipient = %s ORDER BY created_at", (email,)
    ).fetchall()


def test_a_notice_is_queued_in_the_transaction_and_sent_after_it_once(connection: Connection, users: Users) -> None:
    alice = users.add()
    event = locked(alice.user_id)
    assert handle_kafka_batch(batch(event), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    [row] = rows_to(connection, alice.email)
    assert (row["status"], row["attempts"]) == ("sent", 1)
    assert len(mails_to(alice.email)) == 1
    assert handle_kafka_batch(batch(event), "notifications-test", EVENT_HANDLERS)["duplicates"] == 1
    assert len(rows_to(connection, alice.email)) == 1 and len(mails_to(alice.email)) == 1


def test_a_sender_lost_between_send_and_mark_sends_the_same_mail_again_never_another(
        connection: Connection, users: Users, monkeypatch: pytest.MonkeyPatch) -> None:
    bob = users.add()
    event = locked(bob.user_id)
    real_mark = NotificationRepository.mark_sent

    def crash(*_args: Any) -> None:
        raise Crash

    monkeypatch.setattr(NotificationRepository, "mark_sent", crash)
    with pytest.raises(Crash):
        handle_kafka_batch(batch(event), "notifications-test", EVENT_HANDLERS)
    monkeypatch.setattr(NotificationRepository, "mark_sent", real_mark)
    [row] = rows_to(connection, bob.email)
    assert row["status"] == "sending" and len(mails_to(bob.email)) == 1  # sent, never marked

    # The event source retries the batch: the event was applied, so nothing is queued again.
    assert handle_kafka_batch(batch(event), "notifications-test", EVENT_HANDLERS)["duplicates"] == 1
    assert deliveries.deliver_mail(row["id"]) == "skipped"  # claimed recently: another sender may be on it
    assert len(rows_to(connection, bob.email)) == 1 and len(mails_to(bob.email)) == 1

    # Once the claim is older than delivery_retry_after_seconds, the sweep sends that row again.
    connection.execute("UPDATE notifications SET claimed_at = now() - interval '1 hour' WHERE id = %s", (row["id"],))
    connection.commit()
    assert deliveries.sweep_deliveries()["mails_sent"] >= 1
    [again] = rows_to(connection, bob.email)
    assert (again["id"], again["status"], again["attempts"]) == (row["id"], "sent", 2)
    sent = mails_to(bob.email)
    assert len(sent) == 2 and len({(m["Subject"], str(m["Body"])) for m in sent}) == 1  # the same mail, twice


def test_a_failed_send_is_queued_again_and_the_sweep_sends_it(
        connection: Connection, users: Users, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import EndpointConnectionError

    carol = users.add()
    real_send = deliveries.send_email

    def unreachable(*_args: Any) -> str:
        raise EndpointConnectionError(endpoint_url="http://ses.invalid")

    monkeypatch.setattr(deliveries, "send_email", unreachable)
    assert handle_kafka_batch(batch(locked(carol.user_id)), "notifications-test", EVENT_HANDLERS)["applied"] == 1
    [row] = rows_to(connection, carol.email)
    assert row["status"] == "queued" and mails_to(carol.email) == []
    monkeypatch.setattr(deliveries, "send_email", real_send)  # SES is back
    assert deliveries.deliver_mail(row["id"]) == "sent"
    assert [r["status"] for r in rows_to(connection, carol.email)] == ["sent"] and len(mails_to(carol.email)) == 1
