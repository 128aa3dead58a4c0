"""The activation and reset mails notifications composes for auth's events (templates + SES via moto)."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

from moto import mock_aws

from notifications_service import templates
from notifications_service.api import EVENT_HANDLERS


def test_activation_mail_links_to_the_spa_with_the_token() -> None:
    mail = templates.activation("http://127.0.0.1:3000/", "Alice", "tok-123_abc", 86_400)
    link = next(word for word in mail.body.split() if word.startswith("http"))
    parsed = urlparse(link)
    assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == "http://127.0.0.1:3000/banking-service/activate"
    assert parse_qs(parsed.query) == {"token": ["tok-123_abc"]}
    assert "24 hours" in mail.body and "Alice" in mail.body


def test_reset_mail_links_to_the_reset_page() -> None:
    mail = templates.password_reset("http://127.0.0.1:3000", "", "tok", 3600)
    assert "http://127.0.0.1:3000/banking-service/reset-password?token=tok" in mail.body
    assert "1 hour" in mail.body


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
