# ruff: noqa: RUF001 - Russian mail texts (Cyrillic letters are intended)
"""The activation and reset mails notifications composes for auth's events (templates + SES via moto), and
the one-time link token that only auth and notifications can derive (finding F1: no token in any event)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from moto import mock_aws

from bank_shared.events.consumer import TwoPhase
from bank_shared.events.envelope import CloudEvent
from bank_shared.one_time_links import ACTIVATION, PASSWORD_RESET, REDACTED, link_token
from notifications_service import deliveries, service, templates
from notifications_service.api import EVENT_HANDLERS
from notifications_service.repository import UnsentMail

LINK_KEY_SECRET = "bank/local/auth/one-time-link-key"


def test_activation_mail_links_to_the_spa_with_the_token() -> None:
    mail = templates.activation("http://127.0.0.1:3000/", "Alice", "tok-123_abc", 86_400, "en")
    link = next(word for word in mail.body.split() if word.startswith("http"))
    parsed = urlparse(link)
    assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == "http://127.0.0.1:3000/banking-service/activate"
    assert parse_qs(parsed.query) == {"token": ["tok-123_abc"]}
    assert "24 hours" in mail.body and "Alice" in mail.body


def test_reset_mail_links_to_the_reset_page() -> None:
    mail = templates.password_reset("http://127.0.0.1:3000", "", "tok", 3600, "en")
    assert "http://127.0.0.1:3000/banking-service/reset-password?token=tok" in mail.body
    assert "1 hour" in mail.body


def test_link_mails_are_russian_by_default() -> None:
    mail = templates.password_reset("http://127.0.0.1:3000", "Анна", "tok", 3600)
    assert mail.subject == "Сброс пароля банка" and "Здравствуйте, Анна!" in mail.body
    assert "в течение 1 часа" in mail.body


def test_the_welcome_mail_links_to_the_set_password_page_for_days() -> None:
    ru = templates.welcome("http://127.0.0.1:3000", "Анна", "tok", 7 * 86_400)
    assert ru.subject == "Добро пожаловать в банк" and "в течение 7 дней" in ru.body
    assert "http://127.0.0.1:3000/banking-service/reset-password?token=tok" in ru.body
    en = templates.welcome("http://127.0.0.1:3000", "Ann", "tok", 7 * 86_400, "en")
    assert en.subject == "Welcome to the bank" and "expires in 7 days" in en.body


def test_consumers_are_registered_for_the_user_topics() -> None:
    assert {"user.registered", "user.password_reset_requested"} <= set(EVENT_HANDLERS)


def test_mailer_sends_through_ses() -> None:
    from bank_shared.aws import client, reset_clients
    from notifications_service.mailer import send_email

    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        reset_clients()
        client("ses").verify_email_identity(EmailAddress="no-reply@bank.local")
        message_id = send_email("alice@example.com", "Activate", "body")
        assert message_id
        reset_clients()


# --------------------------------------------------------------------------- one-time link tokens


@pytest.fixture
def link_key() -> Iterator[Any]:
    from bank_shared.aws import client, reset_clients

    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        reset_clients()
        client("secretsmanager").create_secret(Name=LINK_KEY_SECRET, SecretString=json.dumps({"key": "k" * 48}))
        yield client("secretsmanager")
        reset_clients()


def test_link_tokens_are_stable_per_link_and_differ_by_link_and_purpose(link_key: Any) -> None:
    link_id = uuid.uuid4()
    token = link_token(ACTIVATION, link_id)
    assert token == link_token(ACTIVATION, link_id)
    assert len(token) == 43  # 256 bits, base64url without padding
    assert token != link_token(PASSWORD_RESET, link_id)
    assert token != link_token(ACTIVATION, uuid.uuid4())
    assert str(link_id) not in token


def test_link_tokens_depend_on_the_key(link_key: Any) -> None:
    from bank_shared.aws import reset_clients

    link_id = uuid.uuid4()
    before = link_token(ACTIVATION, link_id)
    link_key.put_secret_value(SecretId=LINK_KEY_SECRET, SecretString=json.dumps({"key": "z" * 48}))
    reset_clients()
    assert link_token(ACTIVATION, link_id) != before


def test_a_short_link_key_is_refused(link_key: Any) -> None:
    from bank_shared.aws import reset_clients

    link_key.put_secret_value(SecretId=LINK_KEY_SECRET, SecretString=json.dumps({"key": "short"}))
    reset_clients()
    with pytest.raises(RuntimeError):
        link_token(ACTIVATION, uuid.uuid4())


class RecordingRepository:
    """The notifications table as the delivery queue sees it: rows added, claimed, marked."""

    stored: dict[Any, dict[str, Any]] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def add(self, notification_id: Any, channel: str, recipient: str, subject: str, body: str, by: str,
            link: tuple[str, uuid.UUID] | None = None) -> None:
        purpose, link_id = link or (None, None)
        self.stored[notification_id] = {"id": notification_id, "recipient": recipient, "subject": subject,
                                        "body": body, "link_purpose": purpose, "link_id": link_id,
                                        "status": "queued"}

    def lock_unsent(self, notification_id: Any, _retry_after: int) -> UnsentMail | None:
        row = self.stored.get(notification_id)
        if not row or row["status"] != "queued":
            return None
        return UnsentMail(row["id"], row["recipient"], row["subject"], row["body"], row["link_purpose"], row["link_id"])

    def mark_sending(self, notification_id: Any) -> None:
        self.stored[notification_id]["status"] = "sending"

    def mark_sent(self, notification_id: Any, message_id: str) -> None:
        self.stored[notification_id]["status"] = "sent"

    def sent_within_hour(self, recipient: str, excluding: Any) -> int:
        return 0


class FakeUnitOfWork:
    """A unit of work without a database: after-commit callbacks wait in `committed` until the test runs them."""

    connection = None
    callbacks: list[Any] = []

    def after_commit(self, callback: Any) -> None:
        self.callbacks.append(callback)

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass


@pytest.mark.parametrize(("topic", "purpose", "path"), [
    ("user.registered", ACTIVATION, "activate"),
    ("user.password_reset_requested", PASSWORD_RESET, "reset-password"),
])
def test_the_mail_carries_the_derived_token_and_the_stored_copy_does_not(
    link_key: Any, monkeypatch: pytest.MonkeyPatch, topic: str, purpose: str, path: str
) -> None:
    sent: list[tuple[str, str, str]] = []
    RecordingRepository.stored, FakeUnitOfWork.callbacks = {}, []
    monkeypatch.setattr(deliveries, "NotificationRepository", RecordingRepository)
    monkeypatch.setattr(deliveries, "UnitOfWork", FakeUnitOfWork)
    monkeypatch.setattr(service, "user_language", lambda _uow, _user: "en")
    monkeypatch.setattr(deliveries, "send_email", lambda to, subject, body: sent.append((to, subject, body)) or "m-1")
    link_id = uuid.uuid4()
    event = CloudEvent(type=topic, source="urn:bank:auth", subject="u", data={
        "user_id": str(uuid.uuid4()), "email": "alice@example.com", "full_name": "Alice",
        "link_id": str(link_id), "expires_in": 3600})

    handler = EVENT_HANDLERS[topic]
    assert not isinstance(handler, TwoPhase)  # nothing to look up: the address is in the event
    handler(FakeUnitOfWork(), event)  # type: ignore[arg-type]
    [queued] = RecordingRepository.stored.values()
    assert sent == [] and queued["status"] == "queued"  # nothing leaves before the commit
    token = link_token(purpose, link_id)
    assert token not in queued["body"] and f"/banking-service/{path}?token={REDACTED}" in queued["body"]
    assert (queued["link_purpose"], queued["link_id"]) == (purpose, link_id)

    for callback in FakeUnitOfWork.callbacks:  # the commit
        callback()

    [(recipient, _subject, body)] = sent
    assert recipient == "alice@example.com"
    assert f"/banking-service/{path}?token={token}" in body
    assert token not in queued["body"] and queued["status"] == "sent"


def test_an_event_from_before_link_ids_sends_nothing(link_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "queue_mail", lambda *_args: pytest.fail("no mail expected"))
    event = CloudEvent(type="user.registered", source="urn:bank:auth", subject="u", data={
        "user_id": str(uuid.uuid4()), "email": "a@example.com", "activation_token": "old", "expires_in": 60})
    service.send_activation_mail(FakeUnitOfWork(), event)  # type: ignore[arg-type]
