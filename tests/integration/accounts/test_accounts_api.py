"""Accounts through the local gateway (real handlers, the stack's databases, accounts → ledger calls)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_service.numbers import is_valid_account_number
from tests.support.invoke import call
from tests.support.stack import bearer, cash_topup, gateway_url, mint_token


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url(), timeout=15) as http:
        yield http


def _customer() -> tuple[str, dict[str, str]]:
    owner = str(uuid.uuid4())
    return owner, bearer(mint_token(owner))


def _open(client: httpx.Client, headers: dict[str, str], currency: str = "RUB", key: str | None = None,
          **body: Any) -> httpx.Response:
    return client.post("/api/accounts/open", headers={**headers, "Idempotency-Key": key or str(uuid.uuid4())},
                       json={"currency": currency, **body})


def test_open_is_idempotent_and_numbers_are_valid(client: httpx.Client) -> None:
    owner, headers = _customer()
    key = str(uuid.uuid4())
    first = _open(client, headers, key=key)
    again = _open(client, headers, key=key)
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    account = first.json()
    assert account["owner_id"] == owner and is_valid_account_number("044525999", account["number"])
    assert account["number"].startswith("40817810")
    assert _open(client, headers, key=key, currency="USD").status_code == 422  # same key, other body
    assert client.post("/api/accounts/open", headers=headers, json={"currency": "RUB"}).status_code == 400

    mine = client.get("/api/accounts/my", headers=headers).json()["items"]
    assert [item["id"] for item in mine] == [account["id"]]
    assert mine[0]["balance"] == {"amount": "0.00", "currency": "RUB"}  # from the ledger


def test_other_customers_get_404_staff_see_everything(client: httpx.Client) -> None:
    _, owner_headers = _customer()
    _, stranger = _customer()
    account = _open(client, owner_headers).json()
    path = f"/api/accounts/{account['id']}"
    assert client.get(path, headers=owner_headers).status_code == 200
    response = client.get(path, headers=stranger)
    assert response.status_code == 404 and response.json()["code"] == "account_not_found"
    assert client.get(f"/api/accounts/{uuid.uuid4()}", headers=stranger).status_code == 404
    assert client.get(path, headers=bearer(mint_token(roles=("employee",)))).status_code == 200
    assert client.post(f"{path}/close", headers=stranger).status_code == 404
    assert client.get(f"{path}/cards", headers=stranger).status_code == 404
    assert client.get(f"/api/ledger/accounts/{account['id']}/balance", headers=stranger).status_code == 404
    assert client.get("/api/ledger/transactions", headers=stranger,
                      params={"account_id": account["id"]}).status_code == 404


def test_staff_opens_for_customer_and_customer_cannot_open_for_others(client: httpx.Client) -> None:
    owner, headers = _customer()
    staff = bearer(mint_token(roles=("employee",)))
    opened = _open(client, staff, currency="EUR", owner_id=owner)
    assert opened.status_code == 201 and opened.json()["owner_id"] == owner
    assert _open(client, headers, owner_id=str(uuid.uuid4())).status_code == 403
    assert _open(client, headers, product_code="current_overdraft").status_code == 403
    assert _open(client, headers, currency="JPY").status_code == 422


def test_close_requires_zero_balance(client: httpx.Client) -> None:
    _, headers = _customer()
    account = _open(client, headers).json()
    staff = bearer(mint_token(roles=("employee",)))
    topup = cash_topup(client, account["id"], "10.00", "RUB", employee=staff)
    assert topup.status_code == 201, topup.text
    refused = client.post(f"/api/accounts/{account['id']}/close", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "account_not_empty"

    empty = _open(client, headers, currency="USD").json()
    closed = client.post(f"/api/accounts/{empty['id']}/close", headers=headers)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(f"/api/accounts/{empty['id']}/close", headers=headers).json()["status"] == "closed"
    late = cash_topup(client, empty["id"], "1.00", "USD", employee=staff)
    assert late.status_code == 409 and late.json()["code"] == "account_closed"


def test_cards_are_masked_and_can_be_blocked(client: httpx.Client) -> None:
    _, headers = _customer()
    _, stranger = _customer()
    account = _open(client, headers).json()
    issued = client.post(f"/api/accounts/{account['id']}/cards",
                         headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert issued.status_code == 201, issued.text
    card = issued.json()
    assert "pan" not in card and card["pan_masked"].endswith(card["last4"]) and "**" in card["pan_masked"]
    assert client.post(f"/api/accounts/cards/{card['id']}/block", headers=stranger).status_code == 404
    assert client.post(f"/api/accounts/cards/{card['id']}/block", headers=headers).json()["status"] == "blocked"
    assert client.post(f"/api/accounts/cards/{card['id']}/unblock", headers=headers).json()["status"] == "active"
    listed = client.get(f"/api/accounts/{account['id']}/cards", headers=headers).json()["items"]
    assert [item["id"] for item in listed] == [card["id"]]


def test_internal_ledger_routes_exist_only_for_direct_invokes(client: httpx.Client) -> None:
    owner, customer = _customer()
    body = {"account_id": str(uuid.uuid4()), "owner_id": owner, "currency": "RUB"}
    staff, service = bearer(mint_token(roles=("admin",))), bearer(mint_token("accounts", roles=("service",)))
    for headers in (customer, staff, service):
        response = client.post("/api/ledger/internal/accounts", headers=headers, json=body)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        held = client.post("/api/ledger/internal/holds", headers={**headers, "Idempotency-Key": "x"},
                           json={"account_id": body["account_id"], "amount": "1.00", "currency": "RUB"})
        assert held.status_code == 404
    registered = call("ledger", "POST", "/internal/accounts", caller="accounts", json=body)
    assert registered.status_code == 201 and registered.json()["account_id"] == body["account_id"]
