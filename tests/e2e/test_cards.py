"""Card spending end to end: the card-network stand-in sends signed ISO 8583-like messages through the local
API gateway to accounts, which holds, captures and releases money in the real ledger.

A fresh customer opens a RUB account, is paid 1000 in at the desk, gets a card and sets a daily limit of 500
in the cabinet. A purchase of 300 is approved (the ledger holds it); one of 250 more is declined 61
daily_limit_exceeded and holds nothing; a clearing of 200 for the first captures 200 and releases the other
100, also when the network sends it again. The purchases list shows both with merchant and category; an
unsigned message is refused; the ledger's reconciliation finds no break."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import psycopg
import pytest

from tests.load.audit_ledger import admin_url, ledger_findings
from tests.support.stack import bearer, cash_topup, database_url, mint_token, stack
from tests.support.users import create_users, session_headers


def network(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A control request to the card-network stand-in; its answer names the message sent and the bank's reply."""
    response = httpx.post(f"{stack()['card_network_url']}{path}", json=body, timeout=60)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert answer["status"] == 200, answer
    return answer


def ledger_amounts(account_id: str) -> tuple[int, int]:
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT balance, held FROM ledger_accounts WHERE id = %s", (account_id,)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def post_with_key(http: httpx.Client, path: str, headers: dict[str, str], body: dict[str, Any] | None = None,
                  attempts: int = 4) -> httpx.Response:
    """A POST under one Idempotency-Key, repeated with the same key while a cold function answers 503 (as the SPA
    retries): safe by construction, the effect happens once."""
    key = str(uuid.uuid4())
    for _ in range(attempts - 1):
        response = http.post(path, headers={**headers, "Idempotency-Key": key}, json=body)
        if response.status_code < 500:
            return response
        time.sleep(2)
    return http.post(path, headers={**headers, "Idempotency-Key": key}, json=body)


@pytest.fixture(scope="module")
def card(http: httpx.Client) -> dict[str, str]:
    customer = create_users(1, ("customer",), "cards")[0]
    headers = session_headers(http, customer)
    opened = post_with_key(http, "/api/accounts/open", headers, {"product_code": "current", "currency": "RUB"})
    assert opened.status_code == 201, opened.text
    account_id = opened.json()["id"]
    assert cash_topup(http, account_id, "1000.00", "RUB").status_code in (200, 201)
    issued = post_with_key(http, f"/api/accounts/{account_id}/cards", headers)
    assert issued.status_code == 201, issued.text
    return {"account_id": account_id, "card_id": issued.json()["id"], **headers}


def test_daily_limit_then_smaller_clearing(http: httpx.Client, card: dict[str, str]) -> None:
    headers = {"Authorization": card["Authorization"]}
    limits = http.put(f"/api/accounts/cards/{card['card_id']}/limits", headers=headers,
                      json={"daily": "500.00", "online_enabled": True, "cash_enabled": False})
    assert limits.status_code == 200, limits.text
    assert (limits.json()["daily"], limits.json()["cash_enabled"]) == ("500.00", False)

    first = network("/purchase", {"card_ref": card["card_id"], "amount": "300.00", "currency": "RUB",
                                  "merchant": "Azbuka Vkusa", "mcc": "5411"})
    assert (first["response"]["mti"], first["response"]["response_code"]) == ("0110", "00")
    assert ledger_amounts(card["account_id"]) == (100000, 30000)

    over = network("/purchase", {"card_ref": card["card_id"], "amount": "250.00", "currency": "RUB",
                                 "merchant": "Coffee Bean", "mcc": "5814", "channel": "online"})
    assert (over["response"]["response_code"], over["response"]["reason"]) == ("61", "daily_limit_exceeded")
    assert ledger_amounts(card["account_id"]) == (100000, 30000)

    rrn = first["request"]["rrn"]
    cleared = network("/clearing", {"rrn": rrn, "amount": "200.00"})
    assert (cleared["response"]["mti"], cleared["response"]["response_code"]) == ("0230", "00")
    assert cleared["response"]["billed_amount"] == "200.00"
    assert ledger_amounts(card["account_id"]) == (80000, 0)  # 200 captured, the other 100 released
    again = network("/resend", {"rrn": rrn, "mti": "0220"})
    assert again["response"]["response_code"] == "00"
    assert network("/resend", {"rrn": rrn, "mti": "0100"})["response"] == first["response"]
    assert ledger_amounts(card["account_id"]) == (80000, 0)  # nothing held or captured twice

    purchases = http.get(f"/api/accounts/cards/{card['card_id']}/purchases", headers=headers)
    assert purchases.status_code == 200, purchases.text
    items = {item["rrn"]: item for item in purchases.json()["items"]}
    assert items[rrn]["status"] == "cleared" and items[rrn]["billed_amount"] == "200.00"
    assert items[rrn]["merchant"]["name"] == "Azbuka Vkusa"
    assert items[rrn]["category"] == {"code": "groceries", "en": "Groceries", "ru": "Супермаркеты"}
    declined = items[over["request"]["rrn"]]
    assert (declined["status"], declined["decline_reason"]) == ("declined", "daily_limit_exceeded")
    assert declined["category"]["code"] == "restaurants"


def test_staff_set_limits_through_the_back_office(http: httpx.Client, card: dict[str, str]) -> None:
    employee = bearer(mint_token(roles=("employee",)))
    path = f"/api/office/cards/{card['card_id']}/limits"
    changed = http.put(path, headers=employee, json={"daily": "500.00", "monthly": "9000.00", "cash_enabled": False})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["monthly"], changed.json()["cash_enabled"]) == ("9000.00", False)
    mine = http.get(f"/api/accounts/cards/{card['card_id']}/limits", headers={"Authorization": card["Authorization"]})
    assert mine.json()["monthly"] == "9000.00"
    seen = http.get(f"/api/office/cards/{card['card_id']}/purchases", headers=employee)
    assert seen.status_code == 200 and seen.json()["items"]
    customer = http.get(path, headers={"Authorization": card["Authorization"]})
    assert customer.status_code == 403


def test_cash_disabled_and_blocked_card_are_declined(http: httpx.Client, card: dict[str, str]) -> None:
    headers = {"Authorization": card["Authorization"]}
    atm = network("/purchase", {"card_ref": card["card_id"], "amount": "10.00", "currency": "RUB",
                                "merchant": "ATM", "mcc": "6011", "channel": "atm"})
    assert (atm["response"]["response_code"], atm["response"]["reason"]) == ("57", "cash_disabled")
    assert http.post(f"/api/accounts/cards/{card['card_id']}/block", headers=headers).status_code == 200
    blocked = network("/purchase", {"card_ref": card["card_id"], "amount": "1.00", "currency": "RUB",
                                    "merchant": "Kiosk", "mcc": "5999"})
    assert blocked["response"]["response_code"] == "62"


def test_unsigned_or_foreign_customer_is_refused(http: httpx.Client, card: dict[str, str]) -> None:
    body = json.dumps({"mti": "0400", "stan": "000001", "rrn": "000000000001", "amount": "1", "currency": "RUB"})
    unsigned = http.post("/api/accounts/network/messages", content=body,
                         headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "network_signature_invalid"
    forged = http.post("/api/accounts/network/messages", content=body,
                       headers={"Content-Type": "application/json", "X-Network-Signature": "t=1,v1=00"})
    assert forged.status_code == 401
    stranger = create_users(1, ("customer",), "cards-stranger")[0]
    from tests.support.users import session_headers as headers_of
    other = http.get(f"/api/accounts/cards/{card['card_id']}/limits", headers=headers_of(http, stranger))
    assert other.status_code == 404


def test_the_ledger_still_reconciles() -> None:
    findings = [f for f in ledger_findings(admin_url("ledger")) if f.breaks]
    assert findings == []
