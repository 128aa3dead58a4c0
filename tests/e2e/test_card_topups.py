"""Top-up from a card of another bank end to end: accounts asks the acquirer stand-in (localstack/acquirer) for a
payment, the "browser" pays on its hosted page, the stand-in sends its signed webhook through the local API
gateway and accounts credits the account in the real ledger from the settlement account.

A fresh customer opens a RUB account. A top-up paid with the success card credits it once, although the webhook
is delivered a second time and the accounts schedule (run "an hour later", so the top-up counts as old) asks the
acquirer too. One paid with the 3-D Secure card credits after the confirm click, with its outcome found by the
schedule while the webhooks are held back; one paid with the insufficient-funds card fails with that reason and
credits nothing. A forged webhook, an unknown payment and another customer's account are refused; the ledger's
reconciliation finds no break."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from bank_shared.acquiring import SIGNATURE_HEADER, sign
from tests.load.audit_ledger import admin_url, ledger_findings
from tests.support.invoke import _stack_lambda_client
from tests.support.stack import LOCAL, database_url, stack
from tests.support.users import create_users, session_headers

SUCCEEDS, INSUFFICIENT_FUNDS, NEEDS_3DS = "4111111111111111", "4000000000000002", "4000000000003220"


def acquirer(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    url = f"{stack()['acquirer_url']}{path}"
    response = httpx.post(url, json=body, timeout=60) if body is not None else httpx.get(url, timeout=60)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def pay(confirmation_url: str, number: str) -> httpx.Response:
    """What the browser does on the hosted page: the card form, posted; the answer redirects (303)."""
    return httpx.post(confirmation_url, data={"number": number, "expiry": "12/39", "cvc": "123",
                                              "holder": "IVAN IVANOV"}, timeout=60)


def balance(account_id: str) -> int:
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT balance FROM ledger_accounts WHERE id = %s", (account_id,)).fetchone()
    assert row is not None
    return int(row[0])


def wait_for(http: httpx.Client, headers: dict[str, str], topup_id: str, attempts: int = 120) -> dict[str, Any]:
    """The top-up once it left pending (the return page polls the same way); a cold second worker of the
    function may answer 502/503 or time out meanwhile, as the SPA sees it, and is asked again."""
    last: Any = None
    for _ in range(attempts):
        try:
            answer = http.get(f"/api/accounts/card-topups/{topup_id}", headers=headers)
        except httpx.TimeoutException as exc:
            last = exc
            continue
        last = answer.text
        if answer.status_code in (502, 503):
            time.sleep(1)
            continue
        assert answer.status_code == 200, answer.text
        if answer.json()["status"] not in ("creating", "pending"):
            return dict(answer.json())
        time.sleep(0.5)
    raise AssertionError(f"top-up {topup_id} still pending: {last}")


def run_schedule_at(moment: datetime) -> dict[str, Any]:
    event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "000000000000", "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "eu-central-1",
             "resources": ["arn:aws:events:eu-central-1:000000000000:rule/AccountsFunctionSweepOutbox"],
             "detail": {}}
    answer = _stack_lambda_client(120.0).invoke(FunctionName="bank-local-accounts", InvocationType="RequestResponse",
                                                Payload=json.dumps(event).encode())
    assert "FunctionError" not in answer
    result: dict[str, Any] = json.loads(answer["Payload"].read())
    return result


def start(http: httpx.Client, headers: dict[str, str], account_id: str, amount: str,
          key: str | None = None) -> httpx.Response:
    return http.post(f"/api/accounts/{account_id}/card-topups", json={"amount": amount, "currency": "RUB"},
                     headers={**headers, "Idempotency-Key": key or str(uuid.uuid4())})


@pytest.fixture(scope="module")
def customer(http: httpx.Client) -> dict[str, Any]:
    user = create_users(1, ("customer",), "topup")[0]
    headers = session_headers(http, user)
    opened = http.post("/api/accounts/open", json={"product_code": "current", "currency": "RUB"},
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert opened.status_code == 201, opened.text
    return {"headers": headers, "account_id": opened.json()["id"]}


@pytest.fixture(autouse=True)
def webhooks_flow() -> Any:
    yield
    acquirer("/__webhooks/hold", {"held": False})


def test_a_paid_top_up_credits_once_however_often_it_is_told(http: httpx.Client, customer: dict[str, Any]) -> None:
    headers, account_id = customer["headers"], customer["account_id"]
    before = balance(account_id)
    key = str(uuid.uuid4())
    created = start(http, headers, account_id, "1500.00", key)
    assert created.status_code == 201, created.text
    topup = created.json()
    assert topup["status"] == "pending" and topup["confirmation_url"].startswith(stack()["acquirer_url"])
    again = start(http, headers, account_id, "1500.00", key)
    assert again.json()["id"] == topup["id"] and again.json()["confirmation_url"] == topup["confirmation_url"]

    paid = pay(topup["confirmation_url"], SUCCEEDS)
    assert paid.status_code == 303
    assert paid.headers["location"].endswith(f"/lk/topup/return/?topup={topup['id']}")
    done = wait_for(http, headers, topup["id"])
    assert done["status"] == "succeeded" and done["card_mask"] == "411111******1111"
    payment_id = topup["confirmation_url"].rsplit("/", 1)[1]
    assert acquirer(f"/__webhooks/{payment_id}/resend", {})["status"] == 200  # delivered a second time
    run_schedule_at(datetime.now(UTC) + timedelta(hours=1))  # the sweep asks the acquirer as well
    assert balance(account_id) - before == 150000
    assert wait_for(http, headers, topup["id"])["transaction_id"] == done["transaction_id"]


def test_the_schedule_finds_the_outcome_when_the_webhook_is_late(http: httpx.Client,
                                                                 customer: dict[str, Any]) -> None:
    headers, account_id = customer["headers"], customer["account_id"]
    before = balance(account_id)
    topup = start(http, headers, account_id, "200.00").json()
    acquirer("/__webhooks/hold", {"held": True})
    payment_id = topup["confirmation_url"].rsplit("/", 1)[1]
    assert pay(topup["confirmation_url"], NEEDS_3DS).headers["location"] == f"/pay/{payment_id}"  # the 3-DS step
    page = httpx.get(topup["confirmation_url"], timeout=60)
    assert "3-D Secure" in page.text and NEEDS_3DS not in page.text
    confirmed = httpx.post(f"{topup['confirmation_url']}/3ds", data={"decision": "confirm"}, timeout=60)
    assert confirmed.status_code == 303
    time.sleep(1)
    assert http.get(f"/api/accounts/card-topups/{topup['id']}", headers=headers).json()["status"] == "pending"
    run_schedule_at(datetime.now(UTC) + timedelta(hours=1))
    assert wait_for(http, headers, topup["id"])["status"] == "succeeded"
    acquirer("/__webhooks/hold", {"held": False})  # the held webhook arrives after the sweep: nothing more
    time.sleep(2)
    assert balance(account_id) - before == 20000


def test_a_declined_card_credits_nothing(http: httpx.Client, customer: dict[str, Any]) -> None:
    headers, account_id = customer["headers"], customer["account_id"]
    before = balance(account_id)
    topup = start(http, headers, account_id, "700.00").json()
    assert pay(topup["confirmation_url"], INSUFFICIENT_FUNDS).status_code == 303
    failed = wait_for(http, headers, topup["id"])
    assert failed["status"] == "failed" and failed["failure_reason"] == "insufficient_funds"
    assert failed["transaction_id"] is None and balance(account_id) == before


def test_refusals(http: httpx.Client, customer: dict[str, Any]) -> None:
    headers, account_id = customer["headers"], customer["account_id"]
    stranger = session_headers(http, create_users(1, ("customer",), "topup-other")[0])
    assert start(http, stranger, account_id, "100.00").json()["code"] == "account_not_found"
    topup = start(http, headers, account_id, "100.00").json()
    assert http.get(f"/api/accounts/card-topups/{topup['id']}", headers=stranger).status_code == 404
    assert start(http, headers, account_id, "5.00").json()["code"] == "card_topup_amount_out_of_range"
    payment_id = topup["confirmation_url"].rsplit("/", 1)[1]
    forged = json.dumps({"type": "notification", "event": "payment.succeeded", "object": {
        "id": payment_id, "status": "succeeded", "amount": {"value": "100.00", "currency": "RUB"}}}).encode()
    refused = http.post("/api/accounts/acquiring/webhook", content=forged, headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: sign("not the shared key", forged)})
    assert refused.status_code == 401 and refused.json()["code"] == "acquirer_signature_invalid"
    assert http.get(f"/api/accounts/card-topups/{topup['id']}", headers=headers).json()["status"] == "pending"
    key = json.loads((LOCAL / "secrets.json").read_text())["acquirer_webhook_key"]
    unknown = json.dumps({"type": "notification", "event": "payment.succeeded", "object": {
        "id": str(uuid.uuid4()), "status": "succeeded", "amount": {"value": "100.00", "currency": "RUB"}}}).encode()
    answer = http.post("/api/accounts/acquiring/webhook", content=unknown, headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: sign(key, unknown)})
    assert answer.status_code == 404 and answer.json()["code"] == "card_topup_not_found"


def test_the_ledger_still_reconciles() -> None:
    findings = [f for f in ledger_findings(admin_url("ledger")) if f.breaks]
    assert findings == []
