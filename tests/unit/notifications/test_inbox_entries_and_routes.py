"""The inbox without a database: entries composed from payment.executed / fx.exchanged data (who gets what,
in Russian), the accounts lookup (invoking accounts), and the routes' roles and ordering."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from bank_shared.auth import Principal, current_principal
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import ServiceClient
from notifications_service import inbox_api, templates
from notifications_service.api import EVENT_HANDLERS, app
from notifications_service.clients import AccountOwner, HttpAccounts
from notifications_service.inbox import payment_entries
from tests.support.invoke import in_process

ALICE, BOB = UUID(int=1), UUID(int=2)
A1, A2, B1 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
CASH = uuid.uuid4()
OWNERS = {A1: AccountOwner(A1, ALICE, "40817810000000000011"), A2: AccountOwner(A2, ALICE, "40817840000000000022"),
          B1: AccountOwner(B1, BOB, "40817810000000000033")}


def payment(source: UUID, target: UUID, kind: str = "transfer", description: str = "") -> dict[str, Any]:
    return {"transaction_id": str(uuid.uuid4()), "type": kind, "from_account_id": str(source),
            "to_account_id": str(target), "amount": "1500.50", "currency": "RUB", "amount_minor": 150050,
            "description": description, "created_at": "2026-11-26T10:00:00Z", "initiated_by": "x"}


def test_money_in_russian_format() -> None:
    assert templates.money_ru("1500.50", "RUB") == "1\u00a0500,50\u00a0RUB"
    assert templates.money_ru("1234567", "JPY") == "1\u00a0234\u00a0567\u00a0JPY"
    assert templates.money_ru("0.99", "USD") == "0,99\u00a0USD"


def test_a_transfer_gives_the_payer_and_the_payee_an_entry() -> None:
    entries = payment_entries(payment(A1, B1, description="за обед"), OWNERS)
    assert [(e.user_id, e.kind, e.text.title) for e in entries] == [
        (ALICE, "payment_sent", "Перевод выполнен"), (BOB, "payment_received", "Поступление")]
    sent, received = entries
    assert sent.text.body.startswith("Списано 1\u00a0500,50\u00a0RUB") and "••0011" in sent.text.body
    assert "Комментарий: за обед" in sent.text.body
    assert received.text.body.startswith("Зачислено 1\u00a0500,50\u00a0RUB на счёт ••0033")
    assert received.data["amount"] == {"amount": "1500.50", "currency": "RUB"}
    assert received.data["account_id"] == str(B1) and sent.data["account_id"] == str(A1)


def test_a_top_up_gives_only_the_customer_an_entry() -> None:
    (entry,) = payment_entries(payment(CASH, A1, kind="topup"), OWNERS)
    assert (entry.user_id, entry.kind, entry.text.title) == (ALICE, "payment_received", "Поступление")
    assert entry.text.body.startswith("Счёт ••0011 пополнен на")


def test_between_own_accounts_one_entry() -> None:
    (entry,) = payment_entries(payment(A1, A2), OWNERS)
    assert (entry.user_id, entry.kind) == (ALICE, "own_transfer")
    assert "••0011 → ••0022" in entry.text.body


def test_nobody_known_nothing_recorded() -> None:
    assert payment_entries(payment(CASH, uuid.uuid4()), OWNERS) == []


def test_consumed_topics() -> None:
    assert {"payment.executed", "fx.exchanged"} <= set(EVENT_HANDLERS)


def test_accounts_lookup_invokes_accounts() -> None:
    def accounts(_event: dict[str, Any], _context: Any) -> dict[str, Any]:
        items = [{"id": str(A1), "owner_id": str(ALICE), "number": "40817810000000000011", "currency": "RUB",
                  "status": "active"}]
        return {"statusCode": 200, "body": json.dumps({"items": items})}

    invoker, fake = in_process("notifications", {"accounts": accounts})
    found = HttpAccounts(invoker).owners([A1, CASH])
    assert found == {A1: OWNERS[A1]}
    ((name, event),) = fake.events
    assert (name, event["rawPath"]) == ("bank-local-accounts", "/api/accounts/internal/accounts")
    assert event["rawQueryString"] == f"account_id={A1}&account_id={CASH}"
    assert event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == "notifications"

    down, _ = in_process("notifications", {"accounts": lambda _e, _c: {"statusCode": 503, "body": "{}"}})
    with pytest.raises(DependencyUnavailable):
        HttpAccounts(down).owners([A1])


# --- routes ---------------------------------------------------------------------------------------------------

class _NoDatabase:
    def __enter__(self) -> _NoDatabase:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    recorded: list[tuple[str, Any]] = []
    monkeypatch.setattr(inbox_api, "UnitOfWork", _NoDatabase)
    monkeypatch.setattr(inbox_api.inbox, "list_inbox",
                        lambda _uow, user, limit, cursor, unread: recorded.append(("list", (user, limit, cursor,
                                                                                             unread)))
                        or {"items": [], "next_cursor": None})
    monkeypatch.setattr(inbox_api.inbox, "unread_count", lambda _uow, user: recorded.append(("count", user)) or 7)
    return recorded


def as_user(subject: str, *roles: str) -> Iterator[TestClient]:
    app.dependency_overrides[current_principal] = lambda: Principal(subject, frozenset(roles), frozenset(), {})
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(current_principal, None)


@pytest.fixture
def alice() -> Iterator[TestClient]:
    yield from as_user(str(ALICE), "customer")


def test_the_inbox_is_the_callers(alice: TestClient, calls: list[tuple[str, Any]]) -> None:
    assert alice.get("/api/notifications/inbox?limit=5&unread_only=true").json() == {"items": [], "next_cursor": None}
    assert alice.get("/api/notifications/inbox/unread-count").json() == {"unread": 7}
    assert calls == [("list", (ALICE, 5, None, True)), ("count", ALICE)]


def test_services_ask_for_a_named_user(calls: list[tuple[str, Any]]) -> None:
    invoker, _ = in_process("customer", {"notifications": app})
    notifications = ServiceClient("notifications", retries=0, invoker=invoker)
    body = notifications.get("/internal/unread-count", params={"user_id": str(BOB)}).json()
    assert body == {"user_id": str(BOB), "unread": 7} and calls == [("count", BOB)]
    assert notifications.get("/inbox").status_code == 403  # no inbox of its own


def test_the_internal_route_is_not_there_for_a_request_from_outside(alice: TestClient,
                                                                    calls: list[tuple[str, Any]]) -> None:
    response = alice.get(f"/api/notifications/internal/unread-count?user_id={BOB}")
    assert response.status_code == 404 and calls == []


def test_bad_input(alice: TestClient, calls: list[tuple[str, Any]]) -> None:
    assert alice.get("/api/notifications/inbox?limit=0").status_code == 422
    assert alice.post("/api/notifications/inbox/not-a-uuid/read").status_code == 422


def test_no_token_no_inbox(calls: list[tuple[str, Any]]) -> None:
    response = TestClient(app).get("/api/notifications/inbox")
    assert response.status_code == 401 and json.loads(response.text)["code"] == "unauthorized" and calls == []
