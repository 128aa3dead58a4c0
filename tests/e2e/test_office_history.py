"""The customer card's history through the local API gateway (issue 15 item 4): an employee sees the customer's
postings across both of their accounts, none of another customer's (not even by naming that account), pages
with a cursor, and a reversal requested from a row and approved by a second employee shows up in it; the
history is for staff only."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.e2e.test_customer import problem
from tests.e2e.test_office import keyed, ok
from tests.e2e.test_office_approvals import staff
from tests.support.stack import bearer, mint_token


def customer_with_accounts(http: httpx.Client, employee: dict[str, str]) -> tuple[str, list[str]]:
    """A customer created through office, with a RUB and a USD account, each topped up once (under the
    approval threshold, so executed at once)."""
    created = ok(http.post("/api/office/customers", headers=employee, json={
        "email": f"history-{uuid.uuid4().hex[:12]}@example.com", "full_name": "История Клиента"}), 201)
    accounts = []
    for currency, amount in (("RUB", "700.00"), ("USD", "15.00")):
        account = ok(http.post(f"/api/office/customers/{created['id']}/accounts", headers=keyed(employee),
                               json={"currency": currency}), 201)
        ok(http.post(f"/api/office/accounts/{account['id']}/topup", headers=keyed(employee),
                     json={"amount": amount, "currency": currency}), 201)
        accounts.append(str(account["id"]))
    return str(created["id"]), accounts


def history(http: httpx.Client, employee: dict[str, str], customer_id: str, **params: str) -> dict[str, Any]:
    return ok(http.get(f"/api/office/customers/{customer_id}/transactions", headers=employee, params=params))


def test_history_spans_the_customers_accounts_only(http: httpx.Client) -> None:
    employee = staff()
    mine, (rub, usd) = customer_with_accounts(http, employee)
    theirs, (their_rub, _their_usd) = customer_with_accounts(http, employee)

    items = history(http, employee, mine)["items"]
    assert sorted((i["account_id"], i["amount"]["amount"]) for i in items) == sorted([(rub, "700.00"), (usd, "15.00")])
    assert [i["account_id"] for i in history(http, employee, mine, account_id=usd)["items"]] == [usd]
    assert history(http, employee, mine, account_id=their_rub)["items"] == []
    assert {i["account_id"] for i in history(http, employee, theirs)["items"]}.isdisjoint({rub, usd})

    first = history(http, employee, mine, limit="1")
    assert first["next_cursor"]
    second = history(http, employee, mine, limit="1", cursor=str(first["next_cursor"]))
    assert [i["account_id"] for i in first["items"] + second["items"]] == [i["account_id"] for i in items]
    period = {"from": "2000-01-01T00:00:00Z", "to": "2000-01-02T00:00:00Z"}
    assert history(http, employee, mine, **period)["items"] == []


def test_a_reversal_from_the_history_needs_a_second_employee_and_shows_in_it(http: httpx.Client) -> None:
    maker, checker = staff(), staff()
    customer_id, (rub, _usd) = customer_with_accounts(http, maker)
    [topup] = history(http, maker, customer_id, account_id=rub)["items"]
    asked = ok(http.post(f"/api/office/transactions/{topup['transaction_id']}/reversal", headers=keyed(maker),
                         json={"reason": "внесено не тому клиенту"}), 202)
    problem(http.post(f"/api/office/approvals/{asked['id']}/approve", headers=maker, json={"reason": "my own"}),
            403, "maker_cannot_approve")
    done = ok(http.post(f"/api/office/approvals/{asked['id']}/approve", headers=checker,
                        json={"reason": "проверено по кассовой книге"}))
    assert (done["status"], done["decision_reason"]) == ("executed", "проверено по кассовой книге")
    rows = history(http, checker, customer_id, account_id=rub)["items"]
    assert [(r["type"], r["direction"], r["amount"]["amount"]) for r in rows] == [
        ("reversal", "debit", "700.00"), ("topup", "credit", "700.00")]


def test_history_is_for_staff_only(http: httpx.Client) -> None:
    employee = staff()
    customer_id, _accounts = customer_with_accounts(http, employee)
    problem(http.get(f"/api/office/customers/{customer_id}/transactions",
                     headers=bearer(mint_token(customer_id))), 403, "forbidden")
    problem(http.get(f"/api/office/customers/{uuid.uuid4()}/transactions", headers=employee), 404,
            "customer_not_found")
