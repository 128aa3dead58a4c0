"""The back office end to end through the local API gateway with real logins: the demo employee creates a
customer (who sets a password from the mailed link), opens a RUB account, tops it up in cash, issues a card
and blocks it, and sees it all on the customer's card; downstream refusals pass through; a customer is
refused; the admin reads every action in the audit log."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.test_auth_flow import PASSWORD, WELCOME_SUBJECT, token_from, unique_email, wait_for_mail
from tests.e2e.test_customer import problem
from tests.support.stack import demo_login, login


@pytest.fixture(scope="module")
def employee(http: httpx.Client) -> dict[str, str]:
    """Signed in once per module: sign-ins are rate limited per address, shared by every test on the machine."""
    return demo_login(http, "employee")


@pytest.fixture(scope="module")
def admin(http: httpx.Client) -> dict[str, str]:
    return demo_login(http, "admin")


def keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def test_employee_serves_a_new_customer(http: httpx.Client, employee: dict[str, str], admin: dict[str, str]) -> None:
    employee_id = ok(http.get("/api/auth/me", headers=employee))["id"]
    email = unique_email("office")

    # a customer created by the employee chooses a password through the mailed one-time link
    created = ok(http.post("/api/office/customers", headers=employee,
                           json={"email": email, "full_name": "Office Customer", "phone": "+7 901 555-77-00"}), 201)
    assert created["status"] == "active" and created["roles"] == ["customer"]
    customer_id = created["id"]
    taken = problem(http.post("/api/office/customers", headers=employee, json={"email": email, "full_name": "Again"}),
                    409, "email_taken")
    assert taken["instance"] == "/api/office/customers"  # F13: auth's answer, the route the employee called
    reset = token_from(wait_for_mail(email, WELCOME_SUBJECT), "reset-password")
    assert http.post("/api/auth/password/reset", json={"token": reset, "password": PASSWORD}).status_code == 204
    customer = login(http, email, PASSWORD)

    found = ok(http.get("/api/office/customers", headers=employee, params={"query": email.split("@")[0]}))
    assert [item["id"] for item in found["items"]] == [customer_id]
    assert ok(http.get("/api/office/customers", headers=employee, params={"query": "901 555-77"}))["items"]

    # an account (the Idempotency-Key goes through: a replay answers the same account)
    open_headers = keyed(employee)
    account = ok(http.post(f"/api/office/customers/{customer_id}/accounts", headers=open_headers,
                           json={"currency": "RUB"}), 201)
    replay = http.post(f"/api/office/customers/{customer_id}/accounts", headers=open_headers,
                       json={"currency": "RUB"})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == account["id"] and account["owner_id"] == customer_id
    problem(http.post(f"/api/office/customers/{employee_id}/accounts", headers=keyed(employee),
                      json={"currency": "RUB"}), 404, "customer_not_found")

    # cash in, a refusal from the ledger passed through, a card issued and blocked
    topup = ok(http.post(f"/api/office/accounts/{account['id']}/topup", headers=keyed(employee),
                         json={"amount": "250.00", "currency": "RUB", "description": "cash at the desk"}), 201)
    assert topup["amount"] == {"amount": "250.00", "currency": "RUB"}
    problem(http.post(f"/api/office/accounts/{account['id']}/topup", headers=keyed(employee),
                      json={"amount": "1.00", "currency": "USD"}), 422, "currency_mismatch")
    problem(http.post(f"/api/office/accounts/{account['id']}/topup", headers=employee,
                      json={"amount": "1.00", "currency": "RUB"}), 400, "idempotency_key_missing")
    card = ok(http.post(f"/api/office/accounts/{account['id']}/cards", headers=keyed(employee)), 201)
    assert ok(http.post(f"/api/office/cards/{card['id']}/block", headers=employee))["status"] == "blocked"

    view = ok(http.get(f"/api/office/customers/{customer_id}", headers=employee))
    assert view["profile"]["email"] == email
    [shown] = view["accounts"]
    assert shown["id"] == account["id"] and shown["balance"] == {"amount": "250.00", "currency": "RUB"}
    assert [(c["id"], c["status"]) for c in shown["cards"]] == [(card["id"], "blocked")]
    # the customer sees the same money in their own cabinet
    assert ok(http.get("/api/accounts/my", headers=customer))["items"][0]["balance"]["amount"] == "250.00"

    # customers have no back office; employees do not administer staff or read the audit log
    problem(http.get("/api/office/customers", headers=customer), 403, "forbidden")
    problem(http.get(f"/api/office/customers/{customer_id}", headers=customer), 403, "forbidden")
    problem(http.get("/api/office/audit", headers=employee), 403, "forbidden")
    problem(http.get("/api/office/employees", headers=employee), 403, "forbidden")

    staff = ok(http.get("/api/office/employees", headers=admin, params={"query": "employee@bank.example"}))
    assert employee_id in [item["id"] for item in staff["items"]]
    entries = ok(http.get("/api/office/audit", headers=admin, params={"actor_id": employee_id, "limit": 30}))["items"]
    mine = [(e["action"], e["target_id"], e["outcome"]) for e in entries
            if e["target_id"] in {customer_id, account["id"], card["id"], employee_id}]
    for expected in [("customer.create", customer_id, "succeeded"), ("account.open", customer_id, "succeeded"),
                     ("account.topup", account["id"], "succeeded"), ("account.topup", account["id"], "refused"),
                     ("card.issue", account["id"], "succeeded"), ("card.block", card["id"], "succeeded"),
                     ("customer.view", customer_id, "succeeded"), ("account.open", employee_id, "refused")]:
        assert expected in mine, (expected, mine)
    opened = [e for e in entries if e["action"] == "account.open" and e["target_id"] == customer_id]
    assert {e["replayed"] for e in opened} == {True, False}
    assert all(e["request_id"] and e["actor_roles"] == ["employee"] for e in entries)


def test_admin_creates_an_employee_through_office(http: httpx.Client, employee: dict[str, str],
                                                  admin: dict[str, str]) -> None:
    email = unique_email("office-staff")
    created = ok(http.post("/api/office/employees", headers=admin,
                           json={"email": email, "password": PASSWORD, "full_name": "Desk Clerk"}), 201)
    assert created["roles"] == ["employee"] and created["status"] == "active"
    assert login(http, email, PASSWORD)
    problem(http.post("/api/office/employees", headers=employee,
                      json={"email": unique_email("x"), "password": PASSWORD, "full_name": "X"}), 403, "forbidden")
