"""The in-app inbox end to end through the local API gateway: a P2P transfer between two newly registered
customers reaches both inboxes through Kafka (payment.executed → the notifications consumer), the payee's
dashboard counts it as unread, marking it read lowers the count, nobody reaches another's entries, and an
exchange adds an "Обмен валюты выполнен" entry (fx.exchanged)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.test_auth_flow import PASSWORD, register_and_activate, unique_email
from tests.support.stack import cash_topup, gateway_url, login


def new_customer(http: httpx.Client, tag: str, currency: str = "RUB") -> tuple[dict[str, str], dict[str, Any]]:
    email = unique_email(tag)
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    headers = login(http, email, PASSWORD)
    opened = http.post("/api/accounts/open", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                       json={"currency": currency})
    assert opened.status_code == 201, opened.text
    settle_account_notices(http, headers)
    return headers, opened.json()


def settle_account_notices(http: httpx.Client, headers: dict[str, str]) -> None:
    """Opening an account files "account opened" and, once contracts concluded the account agreement,
    "contract in force" (docs/events.md): wait for both and mark them read, so what follows counts from zero."""
    def notices() -> list[dict[str, Any]] | None:
        items = [i for i in inbox(http, headers)["items"] if i["kind"] in ("account_opened", "contract_activated")]
        return items if {i["kind"] for i in items} == {"account_opened", "contract_activated"} else None

    def what_was_seen() -> str:
        kinds = sorted(i["kind"] for i in inbox(http, headers)["items"])
        msk = http.get("/__emulator/health").json()["msk"]
        chain = {name: state for name, state in msk.items()
                 if name in ("ContractsFunction.ConsumeAccountOpened", "NotificationsFunction.ConsumeAccountOpened",
                             "NotificationsFunction.ConsumeContractActivated")}
        return f"the inbox holds {kinds}; the consumers on the way: {chain}"

    # The agreement takes two hops through Kafka (accounts → contracts → notifications), each of which a cold
    # function or a consumer in retry back-off (up to 30 s) can delay on a loaded machine.
    for item in eventually(notices, "the account-opened and agreement entries", timeout=180.0, explain=what_was_seen):
        assert http.post(f"/api/notifications/inbox/{item['id']}/read", headers=headers).status_code == 200


def consumers_polling(http: httpx.Client) -> None:
    """The inbox's consumer groups start at the newest offset: wait until they are assigned and polling."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        msk = http.get("/__emulator/health").json()["msk"]
        if all(msk.get(f"NotificationsFunction.{name}", {}).get("status") == "polling"
               for name in ("ConsumePaymentExecuted", "ConsumeFxExchanged")):
            return
        time.sleep(0.5)
    pytest.fail("the inbox consumers are not polling")


def eventually(probe: Callable[[], Any], what: str, timeout: float = 60.0,
               explain: Callable[[], str] | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := probe():
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}" + (f"; {explain()}" if explain else ""))


def inbox(http: httpx.Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = http.get("/api/notifications/inbox", headers=headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def unread(http: httpx.Client, headers: dict[str, str]) -> int:
    board = http.get("/api/customer/dashboard", headers=headers)
    assert board.status_code == 200, board.text
    assert "notifications" not in board.json()["missing"]
    count: int = board.json()["unread_notifications"]
    direct = http.get("/api/notifications/inbox/unread-count", headers=headers).json()["unread"]
    assert count == direct
    return count


def test_p2p_reaches_both_inboxes_and_the_dashboard_count(http: httpx.Client) -> None:
    consumers_polling(http)
    sender, sender_account = new_customer(http, "inbox-from")
    payee, payee_account = new_customer(http, "inbox-to")
    topup = cash_topup(http, sender_account["id"], "500.00", "RUB")
    assert topup.status_code == 201, topup.text
    assert unread(http, payee) == 0

    sent = http.post("/api/customer/transfer", headers={**sender, "Idempotency-Key": str(uuid.uuid4())},
                     json={"from_account_id": sender_account["id"], "to_account_number": payee_account["number"],
                           "amount": "123.45", "currency": "RUB", "description": "e2e inbox"})
    assert sent.status_code == 201, sent.text
    transaction_id = sent.json()["transaction_id"]

    def received() -> dict[str, Any] | None:
        return next((i for i in inbox(http, payee)["items"] if i["data"].get("transaction_id") == transaction_id),
                    None)

    entry = eventually(received, "the payee's inbox entry")
    assert entry["kind"] == "payment_received" and entry["title"] == "Поступление" and not entry["read"]
    assert "123,45" in entry["body"] and entry["data"]["amount"] == {"amount": "123.45", "currency": "RUB"}
    assert unread(http, payee) == 1  # the dashboard's count grew

    def sender_entries() -> list[dict[str, Any]] | None:
        items = inbox(http, sender)["items"]
        return items if {"payment_sent", "payment_received"} <= {i["kind"] for i in items} else None

    mine = eventually(sender_entries, "the sender's entries (top-up and transfer)")
    assert [i["kind"] for i in mine][:2] == ["payment_sent", "payment_received"]  # newest first
    assert mine[0]["title"] == "Перевод выполнен" and mine[0]["data"]["transaction_id"] == transaction_id

    # Object-level authorisation: the sender cannot read or mark the payee's entry; it stays unread.
    foreign = http.post(f"/api/notifications/inbox/{entry['id']}/read", headers=sender)
    assert foreign.status_code == 404 and foreign.json()["code"] == "inbox_item_not_found"
    assert entry["id"] not in {i["id"] for i in mine}
    assert http.get(f"/api/notifications/internal/unread-count?user_id={uuid.uuid4()}",
                    headers=sender).status_code == 404  # internal routes are not on the public API
    assert unread(http, payee) == 1

    marked = http.post(f"/api/notifications/inbox/{entry['id']}/read", headers=payee)
    assert marked.status_code == 200 and marked.json()["read"] is True
    assert unread(http, payee) == 0
    assert inbox(http, payee, unread_only="true")["items"] == []

    # Pagination: one entry per page, newest first, through the cursor.
    first = inbox(http, sender, limit=1)
    second = inbox(http, sender, limit=1, cursor=first["next_cursor"])
    assert first["items"][0]["id"] == mine[0]["id"] and second["items"][0]["id"] == mine[1]["id"]
    assert http.get("/api/notifications/inbox").status_code == 401


def test_an_exchange_reaches_the_inbox(http: httpx.Client) -> None:
    consumers_polling(http)
    customer, rub = new_customer(http, "inbox-fx")
    usd = http.post("/api/accounts/open", headers={**customer, "Idempotency-Key": str(uuid.uuid4())},
                    json={"currency": "USD"})
    assert usd.status_code == 201, usd.text
    assert cash_topup(http, rub["id"], "2000.00", "RUB").status_code == 201
    done = http.post("/api/customer/fx/exchange", headers={**customer, "Idempotency-Key": str(uuid.uuid4())},
                     json={"from_account_id": rub["id"], "to_account_id": usd.json()["id"], "amount": "1000.00",
                           "currency": "RUB"})
    assert done.status_code == 201, done.text

    def exchanged() -> dict[str, Any] | None:
        return next((i for i in inbox(http, customer)["items"] if i["kind"] == "fx_exchanged"), None)

    entry = eventually(exchanged, "the exchange's inbox entry")
    assert entry["title"] == "Обмен валюты выполнен" and entry["data"]["quote_id"] == done.json()["id"]
    assert entry["data"]["sell"] == {"amount": "1000.00", "currency": "RUB"}
