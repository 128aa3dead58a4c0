"""The customer card's history (`GET /api/office/customers/{id}/transactions`): every account of the customer
from the ledger, one account or none of another customer's, filters passed on, audited as a read; and the
reason given for closing an account or blocking a card goes into the audit log."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from office_fakes import CUSTOMER, EMPLOYEE, FakeAuditLog, FakeServices, as_role, user

from bank_shared.http import Answer

OTHER = uuid.UUID(int=9)


def posting(account_id: str, amount: str) -> dict[str, Any]:
    return {"transaction_id": str(uuid.uuid4()), "account_id": account_id, "type": "topup", "direction": "credit",
            "amount": {"amount": amount, "currency": "RUB"}, "description": "", "created_at": "2026-11-01T10:00:00Z"}


@pytest.fixture
def world(services: FakeServices) -> tuple[str, str, str]:
    services.users[OTHER] = user(OTHER, ["customer"], "Bob")
    first, second, others = (str(uuid.uuid4()) for _ in range(3))
    for account_id, owner in ((first, CUSTOMER), (second, CUSTOMER), (others, OTHER)):
        services.accounts.append({"id": account_id, "owner_id": str(owner), "number": "4" * 20})
    services.postings = [posting(first, "1.00"), posting(others, "2.00"), posting(second, "3.00")]
    return first, second, others


def amounts(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["amount"]["amount"] for item in response.json()["items"]]


def test_history_spans_the_customers_accounts_and_no_one_elses(client: TestClient, world: tuple[str, str, str],
                                                               audit: FakeAuditLog) -> None:
    first, _second, others = world
    assert amounts(client.get(f"/api/office/customers/{CUSTOMER}/transactions")) == ["1.00", "3.00"]
    assert amounts(client.get(f"/api/office/customers/{CUSTOMER}/transactions",
                              params={"account_id": first})) == ["1.00"]
    assert amounts(client.get(f"/api/office/customers/{CUSTOMER}/transactions", params={"account_id": others})) == []
    entry = audit.latest()
    assert (entry["action"], entry["target_id"], entry["outcome"]) == \
        ("customer.transactions.view", str(CUSTOMER), "succeeded")
    assert entry["details"]["account_id"] == others


def test_filters_and_page_reach_the_ledger(client: TestClient, services: FakeServices,
                                           world: tuple[str, str, str]) -> None:
    first = world[0]
    params = {"account_id": first, "from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00Z", "limit": "5",
              "cursor": "abc"}
    client.get(f"/api/office/customers/{CUSTOMER}/transactions", params=params)
    owner, filters = next(args for name, args in services.calls if name == "customer_postings")
    assert owner == CUSTOMER and str(filters.account_id) == first and filters.limit == 5 and filters.cursor == "abc"
    assert (filters.since.isoformat(), filters.until.isoformat()) == ("2026-11-01T00:00:00+00:00",
                                                                      "2026-11-02T00:00:00+00:00")


def test_history_is_for_staff_and_customers_only(client: TestClient, services: FakeServices,
                                                 world: tuple[str, str, str]) -> None:
    assert client.get(f"/api/office/customers/{EMPLOYEE}/transactions").json()["code"] == "customer_not_found"
    services.scripted["customer_postings"] = Answer(400, {"status": 400, "code": "invalid_cursor"})
    assert client.get(f"/api/office/customers/{CUSTOMER}/transactions").json()["code"] == "invalid_cursor"
    services.scripted["customer_postings"] = Answer(500, {"status": 500})
    assert client.get(f"/api/office/customers/{CUSTOMER}/transactions").status_code == 503
    as_role(CUSTOMER, "customer")
    assert client.get(f"/api/office/customers/{CUSTOMER}/transactions").status_code == 403


def test_a_reason_for_closing_or_blocking_is_audited(client: TestClient, audit: FakeAuditLog) -> None:
    account_id, card_id = uuid.uuid4(), uuid.uuid4()
    assert client.post(f"/api/office/accounts/{account_id}/close", json={"reason": "Клиент просит"}).status_code == 200
    assert audit.latest()["details"] == {"reason": "Клиент просит"}
    assert client.post(f"/api/office/cards/{card_id}/block", json={"reason": "lost"}).status_code == 200
    assert (audit.latest()["action"], audit.latest()["details"]) == ("card.block", {"reason": "lost"})
    assert client.post(f"/api/office/cards/{card_id}/unblock", json={"reason": "x"}).status_code == 422
