"""The HTTP surface of the customer service: roles, Idempotency-Key, validation, problem pass-through."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from customer_fakes import ALICE, FakeServices
from fastapi.testclient import TestClient

from bank_shared.auth import Principal, current_principal
from customer_service.api import app, recipient_lookups


@pytest.fixture
def client(services: FakeServices) -> Iterator[TestClient]:
    app.dependency_overrides[current_principal] = lambda: Principal(str(ALICE), frozenset({"customer"}),
                                                                    frozenset(), {})
    app.dependency_overrides[recipient_lookups] = lambda: lambda _user_id: None
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(current_principal, None)
        app.dependency_overrides.pop(recipient_lookups, None)


def test_dashboard(client: TestClient, services: FakeServices) -> None:
    services.failing = {"transactions"}
    body = client.get("/api/customer/dashboard").json()
    assert body["missing"] == ["transactions"] and len(body["accounts"]) == 2


def test_transfer_needs_a_key_and_one_recipient(client: TestClient, services: FakeServices) -> None:
    body = {"from_account_id": services.account_of(ALICE, "RUB")["id"], "to_phone": "+79001234567",
            "amount": "1.00", "currency": "RUB"}
    assert client.post("/api/customer/transfer", json=body).json()["code"] == "idempotency_key_missing"
    both = client.post("/api/customer/transfer", json={**body, "to_account_number": "6" * 20},
                       headers={"Idempotency-Key": "k"})
    assert both.status_code == 422 and both.json()["code"] == "validation_failed"
    ok = client.post("/api/customer/transfer", json=body, headers={"Idempotency-Key": "k"})
    assert ok.status_code == 201 and ok.json()["recipient"]["name"] == "Bob B. J."


def test_refusal_is_problem_json(client: TestClient, services: FakeServices) -> None:
    from bank_shared.http import Answer

    services.ledger_answer = Answer(422, {"status": 422, "code": "insufficient_funds"}, replayed=True)
    body = {"from_account_id": services.account_of(ALICE, "RUB")["id"], "to_phone": "+79001234567",
            "amount": "1.00", "currency": "RUB"}
    response = client.post("/api/customer/transfer", json=body, headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["Idempotent-Replayed"] == "true"


def test_staff_have_no_cabinet(client: TestClient) -> None:
    app.dependency_overrides[current_principal] = lambda: Principal("e", frozenset({"employee"}), frozenset(), {})
    assert client.get("/api/customer/dashboard").status_code == 403


def test_preview_takes_any_usual_phone_form(client: TestClient, services: FakeServices) -> None:
    body = {"from_account_id": services.account_of(ALICE, "RUB")["id"], "to_phone": "8 (900) 123-45-67",
            "amount": "1.00", "currency": "RUB"}
    shown = client.post("/api/customer/transfer/preview", json=body)
    assert shown.status_code == 200, shown.text
    assert shown.json()["recipient"]["name"] == "Bob B. J."
    assert ("users_by_phone", "+79001234567") in services.calls
    bad = client.post("/api/customer/transfer/preview", json={**body, "to_phone": "12345"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_failed"
