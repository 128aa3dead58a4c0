"""A card top-up the ledger refuses is refunded to the card, automatically and once, end to end: accounts, the
acquirer stand-in (localstack/acquirer) with its signed webhooks through the local API gateway, the real ledger
and notifications over Kafka.

A fresh customer opens an empty RUB account and starts a top-up; the acquirer's webhooks are held back while the
success card pays, and the customer closes the account meanwhile. Released, the payment's webhook finds the
ledger refusing the credit (`account_closed`): the top-up is refunding, then refunded, and the return page's
status says so with the card's last four digits. The payment's webhook resent, the refund's webhook resent and
the accounts schedule run "an hour later" change nothing: the acquirer shows exactly one refund of the whole
amount, and the customer's inbox one "payment returned to the card" entry. The ledger still reconciles."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.e2e.test_card_topups import SUCCEEDS, acquirer, pay, run_schedule_at, start, wait_for
from tests.e2e.test_notifications_inbox import eventually, inbox
from tests.load.audit_ledger import admin_url, ledger_findings
from tests.support.stack import localstack_aws, stack
from tests.support.users import create_users, session_headers


def refunds_of(payment_id: str) -> list[dict[str, Any]]:
    """The acquirer's own list of the payment's refunds, asked with the bank's shop credentials."""
    secret = json.loads(localstack_aws("secretsmanager").get_secret_value(
        SecretId="bank/local/accounts/acquirer")["SecretString"])
    response = httpx.get(f"{stack()['acquirer_url']}/v3/refunds", params={"payment_id": payment_id},
                         auth=(secret["shop_id"], secret["secret_key"]), timeout=60)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_credit_the_ledger_refuses_is_refunded_once(http: httpx.Client) -> None:
    headers = session_headers(http, create_users(1, ("customer",), "refund")[0])
    opened = http.post("/api/accounts/open", json={"product_code": "current", "currency": "RUB"},
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert opened.status_code == 201, opened.text
    account_id = opened.json()["id"]
    topup = start(http, headers, account_id, "1250.00").json()
    payment_id = topup["confirmation_url"].rsplit("/", 1)[1]
    acquirer("/__webhooks/hold", {"held": True})
    try:
        assert pay(topup["confirmation_url"], SUCCEEDS).status_code == 303
        closed = http.post(f"/api/accounts/{account_id}/close", headers=headers)
        assert closed.status_code == 200 and closed.json()["status"] == "closed", closed.text
    finally:
        acquirer("/__webhooks/hold", {"held": False})
    refunded = wait_for(http, headers, topup["id"])
    if refunded["status"] == "refunding":  # the refund's answer or webhook is a moment behind
        refunded = eventually(lambda: (t := wait_for(http, headers, topup["id"]))["status"] == "refunded" and t,
                              "the refund")
    assert refunded["status"] == "refunded" and refunded["failure_reason"] == "credit_refused:account_closed"
    assert refunded["card_mask"] == "411111******1111" and refunded["transaction_id"] is None

    [refund] = refunds_of(payment_id)
    assert refund["status"] == "succeeded" and refund["amount"] == {"value": "1250.00", "currency": "RUB"}
    assert acquirer(f"/__webhooks/{payment_id}/resend", {})["status"] == 200  # the payment's webhook again
    assert acquirer(f"/__webhooks/{refund['id']}/resend", {})["status"] == 200  # the refund's webhook again
    run_schedule_at(datetime.now(UTC) + timedelta(hours=1))  # the sweep looks as well
    assert [r["id"] for r in refunds_of(payment_id)] == [refund["id"]]
    log = httpx.get(f"{stack()['acquirer_url']}/__webhooks", timeout=60).json()["items"]
    assert {"payment.succeeded", "refund.succeeded"} <= {e["event"] for e in log if e["payment_id"] == payment_id}
    assert http.get(f"/api/accounts/card-topups/{topup['id']}", headers=headers).json()["status"] == "refunded"

    entries = eventually(lambda: [item for item in inbox(http, headers)["items"]
                                  if item["kind"] == "card_topup_refunded"], "the inbox entry")
    [entry] = entries
    assert entry["title"] == "Платёж возвращён на карту" and "•• 1111" in entry["body"]
    assert "411111" not in json.dumps(entry)


def test_the_ledger_still_reconciles() -> None:
    findings = [f for f in ledger_findings(admin_url("ledger")) if f.breaks]
    assert findings == []
