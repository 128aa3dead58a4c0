"""Standing orders and payment templates end to end through the local gateway (issue 17; docs/products.md).

A monthly standing order created today is paid by the accounts function's schedule — invoked through the Lambda
Invoke API with the scheduled event EventBridge sends, its `time` on the simulated date — exactly once, however
often the schedule runs then or later in the month; the money moved once and the ledger still balances.
Templates: saved, listed, renamed, refused on a duplicate name, hidden from another customer, deleted."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import psycopg

from tests.support.invoke import _stack_lambda_client, call
from tests.support.stack import bearer, cash_topup, database_url, mint_token


def _customer() -> dict[str, str]:
    return bearer(mint_token(str(uuid.uuid4())))


def _open(http: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    response = http.post("/api/accounts/open", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                         json={"currency": "RUB"})
    assert response.status_code == 201, response.text
    account: dict[str, Any] = response.json()
    return account


def _balance(account_id: str) -> int:
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT balance FROM ledger_accounts WHERE id = %s", (account_id,)).fetchone()
    assert row is not None
    return int(row[0])


def _rub_total() -> int:
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT coalesce(sum(balance), 0) FROM ledger_accounts WHERE currency = 'RUB'").fetchone()
    assert row is not None
    return int(row[0])


def _run_schedule_at(moment: datetime) -> dict[str, Any]:
    """The accounts function's schedule, as EventBridge invokes it, on a simulated moment."""
    event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "000000000000", "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "eu-central-1",
             "resources": ["arn:aws:events:eu-central-1:000000000000:rule/AccountsFunctionSweepOutbox"],
             "detail": {}}
    answer = _stack_lambda_client(120.0).invoke(FunctionName="bank-local-accounts", InvocationType="RequestResponse",
                                                Payload=json.dumps(event).encode())
    assert "FunctionError" not in answer
    result: dict[str, Any] = json.loads(answer["Payload"].read())
    return result


def test_a_monthly_standing_order_is_paid_on_its_date_exactly_once(http: httpx.Client) -> None:
    payer, payee = _customer(), _customer()
    source, target = _open(http, payer), _open(http, payee)
    assert cash_topup(http, source["id"], "1000.00", "RUB").status_code in (200, 201, 202)
    first = datetime.now(UTC).date() + timedelta(days=3)
    key = str(uuid.uuid4())
    body = {"name": "Rent", "from_account_id": source["id"], "to_account_number": target["number"],
            "amount": "250.00", "currency": "RUB", "frequency": "monthly", "start_date": date.today().isoformat(),
            "day_of_month": first.day, "on_insufficient": "skip"}
    created = http.post("/api/accounts/standing-orders", headers={**payer, "Idempotency-Key": key}, json=body)
    assert created.status_code == 201, created.text
    again = http.post("/api/accounts/standing-orders", headers={**payer, "Idempotency-Key": key}, json=body)
    assert again.json()["id"] == created.json()["id"]  # a retried request creates no second order
    order = created.json()
    due = date.fromisoformat(order["next_due"])
    assert due >= datetime.now(UTC).date() and order["status"] == "active"
    total_before = _rub_total()

    _run_schedule_at(datetime.combine(due - timedelta(days=1), datetime.min.time(), UTC))  # not due yet
    assert _balance(target["id"]) == 0
    for hours in (1, 1, 5, 24 * 7):  # on the date, again (a retry), later that day, a week later
        result = _run_schedule_at(datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=hours))
        assert "standing_orders" in result, result

    assert _balance(target["id"]) == 250_00 and _balance(source["id"]) == 750_00
    shown = http.get(f"/api/accounts/standing-orders/{order['id']}", headers=payer).json()
    assert [(run["seq"], run["status"]) for run in shown["runs"]] == [(0, "paid")]
    assert shown["next_due"] > due.isoformat()
    assert _rub_total() == total_before  # double entry: the money moved, nothing was created
    assert http.get(f"/api/accounts/standing-orders/{order['id']}", headers=payee).status_code == 404
    cancelled = http.post(f"/api/accounts/standing-orders/{order['id']}/cancel", headers=payer)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_templates_are_saved_renamed_and_private(http: httpx.Client) -> None:
    owner, other = _customer(), _customer()
    account = _open(http, owner)
    body = {"name": "Mum", "kind": "p2p_phone", "to_phone": "+79001234567", "from_account_id": account["id"],
            "amount": "500.00", "currency": "RUB"}
    created = http.post("/api/accounts/templates", headers=owner, json=body)
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["amount"] == {"amount": "500.00", "currency": "RUB"}
    assert http.post("/api/accounts/templates", headers=owner, json=body).json()["code"] == "template_name_taken"
    bad = http.post("/api/accounts/templates", headers=owner, json={**body, "name": "x", "kind": "transfer"})
    assert bad.status_code == 422
    renamed = http.patch(f"/api/accounts/templates/{template['id']}", headers=owner, json={"name": "Mother"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Mother"
    assert [t["name"] for t in http.get("/api/accounts/templates", headers=owner).json()["items"]] == ["Mother"]
    assert http.get("/api/accounts/templates", headers=other).json()["items"] == []
    assert http.delete(f"/api/accounts/templates/{template['id']}", headers=other).status_code == 404
    assert http.delete(f"/api/accounts/templates/{template['id']}", headers=owner).status_code == 204
    assert http.get(f"/api/accounts/templates/{template['id']}", headers=owner).status_code == 404


def _interest(account_id: str, kind: str, amount: str, key: str) -> Any:
    return call("ledger", "POST", "/internal/interest", caller="accounts", headers={"Idempotency-Key": key},
                json={"kind": kind, "account_id": account_id, "amount": amount, "currency": "RUB"})


def test_savings_interest_moves_through_the_ledger_once_per_key(http: httpx.Client) -> None:
    owner = _customer()
    opened = http.post("/api/accounts/open", headers={**owner, "Idempotency-Key": str(uuid.uuid4())},
                       json={"currency": "RUB", "product_code": "savings"})
    assert opened.status_code == 201, opened.text
    account = opened.json()
    assert cash_topup(http, account["id"], "10000.00", "RUB").status_code == 201
    summary = http.get(f"/api/accounts/savings/{account['id']}/interest", headers=owner)
    assert summary.status_code == 200, summary.text
    assert summary.json()["accrued_this_month"] == {"amount": "0.00", "currency": "RUB"}
    assert http.get(f"/api/accounts/savings/{account['id']}/interest", headers=_customer()).status_code == 404

    today = datetime.now(UTC).date().isoformat()
    closing = call("ledger", "GET", "/internal/closing-balances", caller="accounts",
                   params={"account_id": account["id"], "first": today, "last": today})
    assert closing.json()["items"] == [{"day": today, "balance_minor": 10000_00}]

    total_before = _rub_total()
    accrue_key = f"interest:accrue:{account['id']}:{today}"
    first = _interest(account["id"], "accrue", "1.37", accrue_key)
    assert first.status_code == 201, first.text
    assert _interest(account["id"], "accrue", "1.37", accrue_key).json() == first.json()  # a replay
    assert _balance(account["id"]) == 10000_00  # accrued, owed, not yet paid in
    capitalized = _interest(account["id"], "capitalize", "1.37", f"interest:capitalize:{account['id']}:{today[:7]}")
    assert capitalized.status_code == 201, capitalized.text
    assert _balance(account["id"]) == 10001_37
    assert _rub_total() == total_before  # interest expense paid it: the ledger still sums to zero


def test_rates_are_set_by_admins_from_a_future_date(http: httpx.Client) -> None:
    admin = bearer(mint_token(str(uuid.uuid4()), roles=("admin",)))
    when = (date(2090, 1, 1) + timedelta(days=uuid.uuid4().int % 3000)).isoformat()
    body = {"product_code": "savings", "annual_rate": "0.061", "effective_from": when}
    assert http.post("/api/accounts/savings/rates", headers=_customer(), json=body).status_code == 403
    past = http.post("/api/accounts/savings/rates", headers=admin, json={**body, "effective_from": "2020-01-01"})
    assert past.status_code == 422 and past.json()["code"] == "rate_not_accepted"
    created = http.post("/api/accounts/savings/rates", headers=admin, json=body)
    assert created.status_code == 201, created.text
    listed = http.get("/api/accounts/savings/rates", headers=admin).json()["items"]
    assert {"product_code": "savings", "effective_from": when, "annual_rate": "0.061000"} in [
        {k: item[k] for k in ("product_code", "effective_from", "annual_rate")} for item in listed]
