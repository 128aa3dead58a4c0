"""Maker-checker end to end through the local API gateway (issue 15 item 1-2, finding F3): employee A asks for
a top-up above the threshold → the balance is unchanged → A cannot approve (403 with a code) → B approves
(double-clicking) → the balance changed once; a reversal the same way; the audit log has every step; the
finding's amount is refused outright and staff can no longer move money around the back office."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx

from tests.e2e.test_customer import problem
from tests.e2e.test_office import keyed, ok
from tests.support.stack import bearer, mint_token

THRESHOLD_PLUS = "150000.00"  # RUB: at or above 100 000 needs a second employee (OFFICE_APPROVAL_THRESHOLD)


def staff(*roles: str) -> dict[str, str]:
    """An employee of this test (a token as auth issues it, for a subject of our own)."""
    return bearer(mint_token(roles=roles or ("employee",)))


def new_customer_account(http: httpx.Client) -> tuple[dict[str, str], str]:
    customer = bearer(mint_token(str(uuid.uuid4())))
    account = ok(http.post("/api/accounts/open", headers=keyed(customer), json={"currency": "RUB"}), 201)
    return customer, str(account["id"])


def balance(http: httpx.Client, customer: dict[str, str]) -> Decimal:
    [account] = ok(http.get("/api/accounts/my", headers=customer))["items"]
    return Decimal(account["balance"]["amount"])


def double_click(http: httpx.Client, path: str, headers: dict[str, str]) -> list[httpx.Response]:
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda _i: http.post(path, headers=headers), range(2)))


def test_a_large_top_up_needs_a_second_employee_and_applies_once(http: httpx.Client) -> None:
    customer, account = new_customer_account(http)
    maker, checker, late = staff(), staff(), staff()

    asked = ok(http.post(f"/api/office/accounts/{account}/topup", headers=keyed(maker),
                         json={"amount": THRESHOLD_PLUS, "currency": "RUB", "description": "cash, big bag"}), 202)
    assert (asked["kind"], asked["status"], asked["needs_approval"]) == ("topup", "pending", True)
    assert asked["can_approve"] is False and asked["details"]["account_number"]
    assert balance(http, customer) == 0
    queue = ok(http.get("/api/office/approvals", headers=checker, params={"status": "pending", "limit": 100}))
    mine = next(item for item in queue["items"] if item["id"] == asked["id"])
    assert mine["can_approve"] is True

    refused = problem(http.post(f"/api/office/approvals/{asked['id']}/approve", headers=maker), 403,
                      "maker_cannot_approve")
    assert refused["instance"] == f"/api/office/approvals/{asked['id']}/approve"
    assert balance(http, customer) == 0

    answers = double_click(http, f"/api/office/approvals/{asked['id']}/approve", checker)
    assert sorted(a.status_code for a in answers)[0] == 200, [a.text for a in answers]
    assert balance(http, customer) == Decimal(THRESHOLD_PLUS)
    done = ok(http.get(f"/api/office/approvals/{asked['id']}", headers=checker))
    assert (done["status"], done["result"]["status"]) == ("executed", 201)
    problem(http.post(f"/api/office/approvals/{asked['id']}/approve", headers=late), 409, "approval_already_decided")
    assert balance(http, customer) == Decimal(THRESHOLD_PLUS)

    # a reversal the same way: always pending, never by the maker, once however often approved
    topup_id = done["result"]["body"]["transaction_id"]
    reversal = ok(http.post(f"/api/office/transactions/{topup_id}/reversal", headers=keyed(late),
                            json={"reason": "credited the wrong customer"}), 202)
    assert (reversal["kind"], reversal["status"], reversal["amount"]["amount"]) == ("reversal", "pending",
                                                                                    THRESHOLD_PLUS)
    problem(http.post(f"/api/office/transactions/{topup_id}/reversal", headers=keyed(maker),
                      json={"reason": "again"}), 409, "reversal_already_requested")
    problem(http.post(f"/api/office/approvals/{reversal['id']}/approve", headers=late), 403, "maker_cannot_approve")
    assert balance(http, customer) == Decimal(THRESHOLD_PLUS)
    answers = double_click(http, f"/api/office/approvals/{reversal['id']}/approve", maker)
    assert sorted(a.status_code for a in answers)[0] == 200, [a.text for a in answers]
    assert balance(http, customer) == 0

    # the customer sees both in their history, the reversal linked to the top-up
    history = ok(http.get("/api/ledger/transactions", headers=customer, params={"account_id": account}))["items"]
    assert [(item["type"], item["direction"]) for item in history] == [("reversal", "debit"), ("topup", "credit")]

    # every step is in the audit log
    admin = staff("admin")
    for request_id, steps in ((asked["id"], {"approval.approve"}), (reversal["id"], {"approval.approve"})):
        entries = ok(http.get("/api/office/audit", headers=admin, params={"target_id": request_id}))["items"]
        assert steps <= {e["action"] for e in entries if e["outcome"] == "succeeded"}
        assert {e["code"] for e in entries if e["outcome"] == "refused"} >= {"maker_cannot_approve"}
    asked_entries = ok(http.get("/api/office/audit", headers=admin, params={"target_id": account}))["items"]
    assert ("account.topup", "succeeded", 202) in {(e["action"], e["outcome"], e["status"]) for e in asked_entries}


def test_small_top_ups_run_at_once_and_limits_refuse_outright(http: httpx.Client) -> None:
    customer, account = new_customer_account(http)
    clerk = staff()
    done = ok(http.post(f"/api/office/accounts/{account}/topup", headers=keyed(clerk),
                        json={"amount": "500.00", "currency": "RUB"}), 201)
    assert done["type"] == "topup" and balance(http, customer) == 500
    # F3: the finding's amount is refused before anything else, approval or not
    problem(http.post(f"/api/office/accounts/{account}/topup", headers=keyed(clerk),
                      json={"amount": "999999999999999.99", "currency": "RUB"}), 422, "operation_limit_exceeded")
    assert balance(http, customer) == 500


def test_staff_move_money_only_through_the_back_office(http: httpx.Client) -> None:
    customer, account = new_customer_account(http)
    employee = staff()
    direct = http.post("/api/ledger/topup", headers=keyed(employee),
                       json={"account_id": account, "amount": "999999999999999.99", "currency": "RUB"})
    assert direct.status_code in (404, 405)
    problem(http.post("/api/ledger/transfer", headers=keyed(employee),
                      json={"from_account_id": account, "to_account_id": str(uuid.uuid4()), "amount": "1.00",
                            "currency": "RUB"}), 403, "forbidden")
    # the ledger's staff top-up is an internal route: direct invokes from office only, not on the public API
    problem(http.post("/api/ledger/internal/topups", headers=keyed(employee),
                      json={"account_id": account, "amount": "1.00", "currency": "RUB", "requested_by": "me"}),
            404, "not_found")
    assert balance(http, customer) == 0
