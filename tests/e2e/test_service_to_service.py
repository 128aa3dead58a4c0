"""Service to service through the real local stack: functions invoke each other directly (the local Lambda
Invoke API), `/internal/*` is not on the public API even for a valid service-role token, and the back
office acts with its own identity for the employee, whom accounts and the ledger record."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from bank_shared.auth import ACTING_EMPLOYEE_HEADER
from bank_shared.db import connect
from tests.support.invoke import call
from tests.support.stack import bearer, database_url, demo_login, mint_token

# One internal route per service that has them, with a request that reaches it (method, path, params).
INTERNAL = [
    ("auth", "GET", "/internal/users", {"kind": "customer", "limit": "1"}),
    ("accounts", "GET", "/internal/accounts", {"owner_id": str(uuid.UUID(int=1))}),
    ("ledger", "GET", "/internal/balances", {"account_id": str(uuid.UUID(int=1))}),
    ("notifications", "GET", "/internal/unread-count", {"user_id": str(uuid.UUID(int=1))}),
]


@pytest.mark.parametrize(("service", "method", "path", "params"), INTERNAL)
def test_internal_routes_answer_direct_invokes_only(http: httpx.Client, service: str, method: str, path: str,
                                                    params: dict[str, str]) -> None:
    service_token = bearer(mint_token("customer", roles=("service",)))  # valid: the gateway's authorizer passes it
    through_gateway = http.request(method, f"/api/{service}{path}", params=params, headers=service_token)
    assert through_gateway.status_code == 404 and through_gateway.json()["code"] == "not_found"
    assert http.get(f"/api/{service}/internal", headers=service_token).status_code == 404
    direct = call(service, method, path, params=params, caller="customer")
    assert direct.status_code == 200, direct.content


@pytest.fixture(scope="module")
def employee(http: httpx.Client) -> dict[str, str]:
    return demo_login(http, "employee")


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def keyed(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Idempotency-Key": str(uuid.uuid4())}


def one(service: str, sql: str, value: str) -> dict[str, Any]:
    with connect(database_url(service)) as connection:
        row = connection.execute(sql, (value,)).fetchone()
    assert row is not None, (service, sql, value)
    return dict(row)


def test_office_acts_for_the_employee_and_the_ledger_records_them(http: httpx.Client,
                                                                  employee: dict[str, str]) -> None:
    employee_id = ok(http.get("/api/auth/me", headers=employee))["id"]
    email = f"s2s-{uuid.uuid4().hex[:10]}@example.com"
    customer = ok(http.post("/api/office/customers", headers=employee,
                            json={"email": email, "full_name": "Direct Invoke"}), 201)
    account = ok(http.post(f"/api/office/customers/{customer['id']}/accounts", headers=keyed(employee),
                           json={"currency": "RUB"}), 201)
    topup = ok(http.post(f"/api/office/accounts/{account['id']}/topup", headers=keyed(employee),
                         json={"amount": "75.00", "currency": "RUB", "description": "cash"}), 201)

    posted = one("ledger", "SELECT kind, initiated_by FROM ledger_transactions WHERE id = %s",
                 topup["transaction_id"])
    assert posted == {"kind": "topup", "initiated_by": employee_id}
    event = one("ledger", "SELECT payload FROM outbox WHERE topic = 'payment.executed' "
                          "AND payload->'data'->>'transaction_id' = %s", topup["transaction_id"])
    assert event["payload"]["data"]["initiated_by"] == employee_id
    opened = one("accounts", "SELECT opened_by FROM accounts WHERE id = %s", account["id"])
    assert opened == {"opened_by": employee_id}
    announced = one("accounts", "SELECT payload FROM outbox WHERE topic = 'account.opened' "
                                "AND payload->'data'->>'account_id' = %s", account["id"])
    assert announced["payload"]["data"]["opened_by"] == employee_id


def test_no_other_service_may_act_for_an_employee(employee: dict[str, str]) -> None:
    body = {"currency": "RUB", "owner_id": str(uuid.uuid4())}  # opening an account for a customer: staff only
    for caller in ("customer", "fx", "utilities"):
        refused = call("accounts", "POST", "/open", caller=caller, json=body,
                       headers={"Idempotency-Key": str(uuid.uuid4()), ACTING_EMPLOYEE_HEADER: str(uuid.uuid4())})
        assert refused.status_code == 403 and refused.json()["code"] == "acting_employee_refused"
    unnamed = call("accounts", "POST", "/open", caller="office", json=body,
                   headers={"Idempotency-Key": str(uuid.uuid4())})
    assert unnamed.status_code == 403 and unnamed.json()["code"] == "forbidden"  # a service alone is no staff
