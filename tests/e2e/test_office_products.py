"""Staff on a customer's products end to end through the gateway (docs/back-office.md): an employee sees a
customer's standing orders (with runs) and templates through office, cancels an order with a reason — audited,
and the customer sees it cancelled; a customer cannot use these routes, an unknown order is 404."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.e2e.test_office import keyed, ok
from tests.support.stack import bearer, cash_topup, mint_token


def test_an_employee_cancels_a_customers_standing_order(http: httpx.Client) -> None:
    customer_id = str(uuid.uuid4())
    customer = bearer(mint_token(customer_id))
    source = ok(http.post("/api/accounts/open", headers=keyed(customer), json={"currency": "RUB"}), 201)
    target = ok(http.post("/api/accounts/open", headers=keyed(customer), json={"currency": "RUB"}), 201)
    start = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    order = ok(http.post("/api/accounts/standing-orders", headers=keyed(customer), json={
        "name": "Savings top-up", "from_account_id": source["id"], "to_account_number": target["number"],
        "amount": "100.00", "currency": "RUB", "frequency": "monthly", "start_date": start}), 201)
    ok(http.post("/api/accounts/templates", headers=customer, json={
        "name": "Mum", "kind": "p2p_phone", "to_phone": "+79001234567", "currency": "RUB"}), 201)
    employee_id = str(uuid.uuid4())
    employee = bearer(mint_token(employee_id, roles=("employee",)))

    listed = ok(http.get(f"/api/office/customers/{customer_id}/standing-orders", headers=employee))["items"]
    assert [(o["id"], o["status"], o["next_due"], o["runs"]) for o in listed] == [(order["id"], "active", start, [])]
    templates = ok(http.get(f"/api/office/customers/{customer_id}/templates", headers=employee))["items"]
    assert [t["name"] for t in templates] == ["Mum"]

    cancel = f"/api/office/standing-orders/{order['id']}/cancel"
    assert http.post(cancel, headers=customer, json={"reason": "not staff"}).status_code == 403
    assert http.post(cancel, headers=employee, json={"reason": ""}).status_code == 422
    cancelled = ok(http.post(cancel, headers=employee, json={"reason": "Customer asked at the branch"}))
    assert cancelled["status"] == "cancelled" and cancelled["next_due"] is None
    assert ok(http.post(cancel, headers=employee, json={"reason": "again"}))["status"] == "cancelled"  # idempotent
    seen = ok(http.get(f"/api/accounts/standing-orders/{order['id']}", headers=customer))
    assert seen["status"] == "cancelled"  # the customer sees it cancelled
    unknown = http.post(f"/api/office/standing-orders/{uuid.uuid4()}/cancel", headers=employee,
                        json={"reason": "no such order"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "standing_order_not_found"

    admin = bearer(mint_token(roles=("admin",)))
    entries = ok(http.get("/api/office/audit", headers=admin, params={"target_id": order["id"]}))["items"]
    assert [(e["action"], e["actor_id"], e["outcome"]) for e in entries][-1] == \
        ("standing_order.cancel", employee_id, "succeeded")
    assert entries[-1]["details"] == {"reason": "Customer asked at the branch"}


def test_an_admin_sets_a_savings_rate_with_a_reason(http: httpx.Client) -> None:
    admin = bearer(mint_token(roles=("admin",)))
    when = f"2091-0{uuid.uuid4().int % 9 + 1}-1{uuid.uuid4().int % 9}"
    body = {"product_code": "savings", "annual_rate": "0.0625", "effective_from": when, "reason": "Rates committee"}
    assert http.post("/api/accounts/savings/rates", headers=admin, json={**body, "reason": "x"}).status_code == 422
    set_ = ok(http.post("/api/accounts/savings/rates", headers=admin, json=body), 201)
    assert (set_["annual_rate"], set_["reason"]) == ("0.062500", "Rates committee")
    listed = ok(http.get("/api/accounts/savings/rates", headers=admin))["items"]
    assert [r["reason"] for r in listed if r["effective_from"] == when] == ["Rates committee"]


def test_savings_accounts_close_through_the_interest_settlement(http: httpx.Client) -> None:
    """Through the real ledger: a savings account opened today has no interest yet, so a close with money on it is
    refused by the normal rule and an empty one closes (once); the settlement runs first and posts nothing."""
    customer = bearer(mint_token(str(uuid.uuid4())))
    staff = bearer(mint_token(roles=("employee",)))

    def open_savings() -> dict[str, str]:
        return ok(http.post("/api/accounts/open", headers=keyed(customer),
                            json={"currency": "RUB", "product_code": "savings"}), 201)

    funded, empty = open_savings(), open_savings()
    assert cash_topup(http, funded["id"], "10.00", "RUB", employee=staff).status_code == 201
    refused = http.post(f"/api/accounts/{funded['id']}/close", headers=customer)
    assert refused.status_code == 409 and refused.json()["code"] == "account_not_empty"
    closed = ok(http.post(f"/api/accounts/{empty['id']}/close", headers=customer))
    assert closed["status"] == "closed"
    assert ok(http.post(f"/api/accounts/{empty['id']}/close", headers=customer))["status"] == "closed"
