"""Utility (ЖКХ) payments end to end through the local API gateway with real logins: the demo customer pays
an electricity bill through the customer service with an Idempotency-Key and replays it (same response,
money moved once), the provider's settlement account got the money, RUB still sums to zero over the
ledger, utility.paid reaches Kafka, a malformed payer account is a clear 422, and another customer cannot
read the payment."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import psycopg
import pytest
from confluent_kafka import Consumer, TopicPartition

from tests.e2e.test_auth_flow import PASSWORD, register_and_activate, unique_email
from tests.support.stack import database_url, demo_login, gateway_url, login, stack


@pytest.fixture(scope="module")
def customer(http: httpx.Client) -> dict[str, str]:
    return demo_login(http, "customer")


def ledger_balance(account_id: str, *, may_be_new: bool = False) -> int:
    """An account's ledger balance; a provider's settlement account may not exist before its first payment
    (utilities registers it then), which counts as 0."""
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT balance FROM ledger_accounts WHERE id = %s", (account_id,)).fetchone()
    if row is None and may_be_new:
        return 0
    assert row is not None
    return int(row[0])


def rub_total() -> int:
    with psycopg.connect(database_url("ledger")) as conn:
        row = conn.execute("SELECT sum(balance) FROM ledger_accounts WHERE currency = 'RUB'").fetchone()
    assert row is not None
    return int(row[0])


def provider_ledger_account(provider_id: str) -> str:
    with psycopg.connect(database_url("utilities")) as conn:
        row = conn.execute("SELECT ledger_account_id FROM providers WHERE id = %s", (provider_id,)).fetchone()
    assert row is not None
    return str(row[0])


def end_offsets(consumer: Consumer, topic: str) -> list[TopicPartition]:
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = []
    for partition in metadata.topics[topic].partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        partitions.append(TopicPartition(topic, partition, high))
    return partitions


def wait_for_event(consumer: Consumer, payment_id: str, deadline: float) -> dict[str, Any] | None:
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        event: dict[str, Any] = json.loads(message.value())
        if event.get("data", {}).get("payment_id") == payment_id:
            return event
    return None


def test_providers_directory(http: httpx.Client, customer: dict[str, str]) -> None:
    assert http.get("/api/utilities/providers").status_code == 401
    first = http.get("/api/utilities/providers", params={"limit": 2}, headers=customer)
    assert first.status_code == 200, first.text
    assert len(first.json()["items"]) == 2 and first.json()["next_cursor"]
    rest = http.get("/api/utilities/providers", params={"limit": 50, "cursor": first.json()["next_cursor"]},
                    headers=customer).json()
    codes = [p["code"] for p in first.json()["items"] + rest["items"]]
    assert len(codes) == len(set(codes)) >= 5
    water = http.get("/api/utilities/providers", params={"category": "water"}, headers=customer).json()["items"]
    assert [p["name"] for p in water] == ["Мосводоканал"]
    one = http.get(f"/api/utilities/providers/{water[0]['id']}", headers=customer)
    assert one.status_code == 200 and one.json()["payer_account"]["pattern"] == "^[0-9]{8}$"
    assert http.get(f"/api/utilities/providers/{uuid.uuid4()}", headers=customer).json()["code"] == "provider_not_found"


def test_pay_electricity_through_the_customer_service(http: httpx.Client, customer: dict[str, str]) -> None:
    consumer = Consumer({"bootstrap.servers": str(stack()["kafka_bootstrap"]), "group.id": f"e2e-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    consumer.assign(end_offsets(consumer, "utility.paid"))
    provider = next(p for p in http.get("/api/utilities/providers", params={"category": "electricity", "limit": 100},
                                        headers=customer).json()["items"] if p["code"] == "mosenergosbyt")
    assert provider["name"] == "Мосэнергосбыт"
    rub = next(a for a in http.get("/api/accounts/my", headers=customer).json()["items"]
               if a["currency"] == "RUB" and a["status"] == "active")
    clearing = provider_ledger_account(provider["id"])
    before_customer, before_total = ledger_balance(rub["id"]), rub_total()
    before_provider = ledger_balance(clearing, may_be_new=True)

    body = {"provider_id": provider["id"], "payer_account": "1234567890", "from_account_id": rub["id"],
            "amount": "1234.56", "currency": "RUB"}
    key = str(uuid.uuid4())
    paid = http.post("/api/customer/utilities/pay", json=body, headers={**customer, "Idempotency-Key": key})
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    assert payment["status"] == "completed" and payment["transaction_id"]
    assert payment["amount"] == {"amount": "1234.56", "currency": "RUB"}
    replay = http.post("/api/customer/utilities/pay", json=body, headers={**customer, "Idempotency-Key": key})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == payment
    other_body = http.post("/api/customer/utilities/pay", json={**body, "amount": "1.00"},
                           headers={**customer, "Idempotency-Key": key})
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency_key_reused"

    assert ledger_balance(rub["id"]) == before_customer - 123456  # moved once
    assert ledger_balance(clearing) == before_provider + 123456
    assert rub_total() == before_total == 0, "RUB does not sum to zero over the ledger"

    mine = http.get(f"/api/utilities/payments/{payment['id']}", headers=customer)
    assert mine.status_code == 200 and mine.json() == payment
    listed = http.get("/api/utilities/payments", params={"limit": 5}, headers=customer).json()["items"]
    assert payment["id"] in [p["id"] for p in listed]
    feed = http.get("/api/ledger/transactions", params={"q": "Мосэнерго", "limit": 100}, headers=customer)
    bill = next(p for p in feed.json()["items"] if p["transaction_id"] == payment["transaction_id"])
    assert bill["counterparty"] == {"kind": "provider", "name": "Мосэнергосбыт"}  # docs/money.md#counterparty

    email = unique_email("utilities")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    stranger = login(http, email, PASSWORD)
    hidden = http.get(f"/api/utilities/payments/{payment['id']}", headers=stranger)
    assert hidden.status_code == 404 and hidden.json()["code"] == "payment_not_found"
    assert http.get("/api/utilities/payments", headers=stranger).json()["items"] == []

    event = wait_for_event(consumer, payment["id"], time.monotonic() + 75)
    consumer.close()
    assert event is not None, "utility.paid did not reach Kafka"
    assert event["type"] == "utility.paid" and event["data"]["amount"] == "1234.56"
    assert event["data"]["provider_id"] == provider["id"]
    assert event["data"]["transaction_id"] == payment["transaction_id"]


def test_invalid_payer_account_and_foreign_account(http: httpx.Client, customer: dict[str, str]) -> None:
    provider = next(p for p in http.get("/api/utilities/providers", params={"category": "electricity", "limit": 100},
                                        headers=customer).json()["items"] if p["code"] == "mosenergosbyt")
    rub = next(a for a in http.get("/api/accounts/my", headers=customer).json()["items"] if a["currency"] == "RUB")
    before = ledger_balance(rub["id"])
    body = {"provider_id": provider["id"], "payer_account": "12-34", "from_account_id": rub["id"],
            "amount": "10.00", "currency": "RUB"}
    bad = http.post("/api/utilities/pay", json=body, headers={**customer, "Idempotency-Key": str(uuid.uuid4())})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["code"] == "invalid_payer_account"
    too_much = http.post("/api/utilities/pay", json={**body, "payer_account": "1234567890", "amount": "200000.00"},
                         headers={**customer, "Idempotency-Key": str(uuid.uuid4())})
    assert too_much.status_code == 422 and too_much.json()["code"] == "amount_out_of_range"
    assert http.post("/api/utilities/pay", json=body, headers=customer).json()["code"] == "idempotency_key_missing"
    email = unique_email("utilities-thief")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    thief = login(http, email, PASSWORD)
    stolen = http.post("/api/utilities/pay", json={**body, "payer_account": "1234567890"},
                       headers={**thief, "Idempotency-Key": str(uuid.uuid4())})
    assert stolen.status_code == 404 and stolen.json()["code"] == "account_not_found"
    assert ledger_balance(rub["id"]) == before
