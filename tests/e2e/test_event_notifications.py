"""Event-driven notifications end to end through the local API gateway, Kafka and LocalStack SES: an employee
creates a customer (a Russian welcome mail with a set-password link valid for days) and opens an account for
them → account.opened reaches notifications (a Russian mail in SES and an inbox entry) and contracts (the
account agreement concluded from the current template version, in the customer's contracts); the customer
switches the language to English → the next mail (a card issued) and inbox entry are in English."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.test_auth_flow import PASSWORD, WELCOME_SUBJECT, token_from, unique_email, wait_for_mail
from tests.e2e.test_foundation import ses_messages_to
from tests.e2e.test_notifications_inbox import eventually, inbox
from tests.support.stack import demo_login, login


@pytest.fixture(scope="module")
def employee(http: httpx.Client) -> dict[str, str]:
    return demo_login(http, "employee")


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


def mail_with(email: str, subject: str) -> dict[str, Any] | None:
    found = [m for m in ses_messages_to(email) if m["Subject"] == subject]
    return found[-1] if found else None


def entry_of(http: httpx.Client, headers: dict[str, str], kind: str) -> dict[str, Any] | None:
    found = [item for item in inbox(http, headers)["items"] if item["kind"] == kind]
    return found[0] if found else None


def test_an_account_opened_in_the_office_mails_files_and_concludes_in_the_customers_language(
        http: httpx.Client, employee: dict[str, str]) -> None:
    email = unique_email("events")
    customer_id = ok(http.post("/api/office/customers", headers=employee,
                               json={"email": email, "full_name": "Анна Событийная"}), 201)["id"]

    # the welcome mail, in Russian, with a set-password link valid for days (not the one-hour reset mail)
    welcome = wait_for_mail(email, WELCOME_SUBJECT)
    assert "Анна Событийная" in welcome and "в течение 7 дней" in welcome
    token = token_from(welcome, "reset-password")
    assert http.post("/api/auth/password/reset", json={"token": token, "password": PASSWORD}).status_code == 204
    customer = login(http, email, PASSWORD)
    assert ok(http.get("/api/notifications/preferences", headers=customer))["language"] == "ru"

    account = ok(http.post(f"/api/office/customers/{customer_id}/accounts", headers=keyed(employee),
                           json={"currency": "RUB"}), 201)
    last4 = account["number"][-4:]

    # account.opened → a Russian mail in SES and an inbox entry
    mail = eventually(lambda: mail_with(email, "Счёт открыт"), "the account-opened mail")
    assert f"••{last4}" in mail["Body"]["text_part"]
    entry = eventually(lambda: entry_of(http, customer, "account_opened"), "the account-opened inbox entry")
    assert entry["title"] == "Счёт открыт" and f"••{last4}" in entry["body"]
    assert entry["data"]["account_id"] == account["id"]

    # account.opened → contracts: the account agreement, in force, visible to the customer and to staff
    def agreement() -> dict[str, Any] | None:
        items = ok(http.get("/api/contracts/contracts/my", headers=customer))["items"]
        return items[0] if items else None

    concluded = eventually(agreement, "the concluded account agreement")
    assert concluded["status"] == "active" and concluded["customer_id"] == customer_id
    assert concluded["title"] == "Договор банковского счёта"
    detail = ok(http.get(f"/api/contracts/contracts/{concluded['id']}", headers=employee))
    assert detail["id"] == concluded["id"]
    document = ok(http.get(f"/api/contracts/contracts/{concluded['id']}/document", headers=customer))
    assert document  # the rendered agreement is there for its customer

    # the customer switches to English: the next mail and entry are English
    assert ok(http.put("/api/notifications/preferences", headers=customer, json={"language": "en"}))["language"] == "en"
    problem = http.put("/api/notifications/preferences", headers=customer, json={"language": "de"})
    assert problem.status_code == 422
    card = ok(http.post(f"/api/office/accounts/{account['id']}/cards", headers=keyed(employee)), 201)
    mail = eventually(lambda: mail_with(email, "Your card is issued"), "the English card-issued mail")
    assert f"••{card['last4']}" in mail["Body"]["text_part"]
    entry = eventually(lambda: entry_of(http, customer, "card_issued"), "the card-issued inbox entry")
    assert entry["title"] == "Card issued"
    # the mail about the account before the switch stays Russian; nothing was sent twice
    assert [m["Subject"] for m in ses_messages_to(email)].count("Счёт открыт") == 1
