"""The customer service end to end through the local API gateway with real logins: a newly registered
customer receives money, sends it by phone number to the demo customer (replayed once, moved once), sees
clear errors, finds it all on the dashboard, and payment.executed reaches Kafka."""

from __future__ import annotations

import json
import time
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition

from tests.e2e.test_auth_flow import PASSWORD, register_and_activate, unique_email
from tests.support.stack import cash_topup, demo_login, gateway_url, login, stack

DEMO_PHONE = "+7 (900) 555-01-01"  # the seed's phone for the demo customer, typed differently


@pytest.fixture(scope="module")
def sender(http: httpx.Client) -> dict[str, str]:
    """A newly registered, activated and signed-in customer with a RUB account holding 300.00."""
    email = unique_email("p2p")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    headers = login(http, email, PASSWORD)
    opened = http.post("/api/accounts/open", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                       json={"currency": "RUB"})
    assert opened.status_code == 201, opened.text
    topup = cash_topup(http, opened.json()["id"], "300.00", "RUB")
    assert topup.status_code == 201, topup.text
    return {**headers, "account_id": opened.json()["id"], "number": opened.json()["number"]}


def rub_balance(http: httpx.Client, headers: dict[str, str]) -> Decimal:
    items = http.get("/api/accounts/my", headers=headers).json()["items"]
    return sum((Decimal(a["balance"]["amount"]) for a in items if a["currency"] == "RUB"), Decimal(0))


def auth_only(headers: dict[str, str]) -> dict[str, str]:
    return {"Authorization": headers["Authorization"]}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def find_payment(consumer: Consumer, transaction_id: str, deadline: float) -> dict[str, Any] | None:
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        event = json.loads(message.value())
        if event.get("data", {}).get("transaction_id") == transaction_id:
            return dict(event)
    return None


def test_p2p_by_phone_to_the_demo_customer(http: httpx.Client, sender: dict[str, str]) -> None:
    consumer = Consumer({"bootstrap.servers": str(stack()["kafka_bootstrap"]), "group.id": f"e2e-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    topic = "payment.executed"
    partitions = []
    for partition in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        partitions.append(TopicPartition(topic, partition, high))
    consumer.assign(partitions)
    me = auth_only(sender)
    recipient = demo_login(http, "customer")
    recipient_before = rub_balance(http, recipient)
    body = {"from_account_id": sender["account_id"], "to_phone": DEMO_PHONE, "amount": "120.25", "currency": "RUB",
            "description": "e2e p2p"}
    key = str(uuid.uuid4())
    first = http.post("/api/customer/transfer", headers={**me, "Idempotency-Key": key}, json=body)
    assert first.status_code == 201, first.text
    assert first.json()["recipient"]["name"] == "Demo C."
    replay = http.post("/api/customer/transfer", headers={**me, "Idempotency-Key": key}, json=body)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["transaction_id"] == first.json()["transaction_id"]
    assert rub_balance(http, me) == Decimal("179.75")
    assert rub_balance(http, recipient) - recipient_before == Decimal("120.25")  # moved once

    event = find_payment(consumer, first.json()["transaction_id"], time.monotonic() + 75)
    consumer.close()
    assert event is not None and event["data"]["amount"] == "120.25"


def test_clear_errors(http: httpx.Client, sender: dict[str, str]) -> None:
    me = auth_only(sender)
    base = {"from_account_id": sender["account_id"], "amount": "1.00", "currency": "RUB"}

    def send(**changes: str) -> httpx.Response:
        return http.post("/api/customer/transfer", headers={**me, "Idempotency-Key": str(uuid.uuid4())},
                         json={**base, **changes})

    problem(send(to_phone=DEMO_PHONE, amount="100000.00"), 422, "insufficient_funds")
    problem(send(to_phone="+1 555 010 9999"), 404, "recipient_not_found")
    problem(send(to_account_number="40817810999999999999"), 404, "recipient_not_found")
    problem(send(to_account_number=sender["number"]), 422, "same_account")
    problem(send(to_phone=DEMO_PHONE, currency="USD"), 422, "currency_mismatch")
    problem(http.post("/api/customer/transfer", headers=me, json={**base, "to_phone": DEMO_PHONE}), 400,
            "idempotency_key_missing")
    problem(http.get("/api/customer/dashboard", headers=demo_login(http, "employee")), 403, "forbidden")


def unread(http: httpx.Client, sender: dict[str, str]) -> int:
    answer = http.get("/api/notifications/inbox/unread-count", headers=auth_only(sender))
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["unread"]
    return count


def test_dashboard(http: httpx.Client, sender: dict[str, str]) -> None:
    before = unread(http, sender)  # entries arrive through Kafka: the dashboard's count lies between two readings
    board = http.get("/api/customer/dashboard", headers=auth_only(sender))
    after = unread(http, sender)
    assert board.status_code == 200, board.text
    body = board.json()
    assert body["missing"] == []
    assert body["profile"]["full_name"] == "E2E User"
    (account,) = body["accounts"]
    assert account["id"] == sender["account_id"] and account["balance"]["currency"] == "RUB"
    assert account["available"] is not None
    types = [item["type"] for item in body["recent_transactions"]]
    assert "topup" in types
    assert before <= body["unread_notifications"] <= after  # the inbox's own count, not a placeholder
