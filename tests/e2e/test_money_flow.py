"""The issue's "done when", through the local API gateway: an employee tops up a customer account, the
customer sees it in GET /api/accounts/my, transfers to another customer with an Idempotency-Key, replays
it (same response, Idempotent-Replayed, money moved once), sees it in GET /api/ledger/transactions, and
payment.executed is on Kafka (relayed right after commit, or by the once-a-minute outbox sweep when the
producer of a fresh worker is not ready in time — hence the generous deadline)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition

from tests.support.stack import bearer, cash_topup, gateway_url, mint_token, stack


def _kafka_bootstrap() -> str:
    return str(stack().get("kafka_bootstrap") or "127.0.0.1:19092")


def _end_offsets(consumer: Consumer, topic: str) -> list[TopicPartition]:
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = []
    for partition in metadata.topics[topic].partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        partitions.append(TopicPartition(topic, partition, high))
    return partitions


def _find_event(consumer: Consumer, transaction_id: str, deadline: float) -> dict[str, Any] | None:
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        event = json.loads(message.value())
        if event.get("data", {}).get("transaction_id") == transaction_id:
            return dict(event)
    return None


def test_topup_transfer_replay_and_event() -> None:
    consumer = Consumer({"bootstrap.servers": _kafka_bootstrap(), "group.id": f"e2e-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    consumer.assign(_end_offsets(consumer, "payment.executed"))
    alice, bob = str(uuid.uuid4()), str(uuid.uuid4())
    alice_h, bob_h = bearer(mint_token(alice)), bearer(mint_token(bob))
    with httpx.Client(base_url=gateway_url(), timeout=15) as http:
        def open_rub(headers: dict[str, str]) -> str:
            response = http.post("/api/accounts/open", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                                 json={"currency": "RUB"})
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        alice_account, bob_account = open_rub(alice_h), open_rub(bob_h)
        topup = cash_topup(http, alice_account, "1000.00", "RUB")
        assert topup.status_code == 201, topup.text
        mine = http.get("/api/accounts/my", headers=alice_h).json()["items"]
        assert mine[0]["balance"] == {"amount": "1000.00", "currency": "RUB"}

        body = {"from_account_id": alice_account, "to_account_id": bob_account, "amount": "250.50",
                "currency": "RUB", "description": "dinner"}
        key = str(uuid.uuid4())
        first = http.post("/api/ledger/transfer", headers={**alice_h, "Idempotency-Key": key}, json=body)
        replay = http.post("/api/ledger/transfer", headers={**alice_h, "Idempotency-Key": key}, json=body)
        assert first.status_code == 201, first.text
        assert "Idempotent-Replayed" not in first.headers
        assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == first.json()
        stolen = http.post("/api/ledger/transfer", headers={**bob_h, "Idempotency-Key": str(uuid.uuid4())},
                           json={**body, "from_account_id": alice_account, "to_account_id": bob_account})
        assert stolen.status_code == 404

        balances = {item["id"]: item["balance"]["amount"]
                    for headers in (alice_h, bob_h) for item in http.get("/api/accounts/my", headers=headers).json()[
                        "items"]}
        assert balances == {alice_account: "749.50", bob_account: "250.50"}  # moved once

        listed = http.get("/api/ledger/transactions", headers=alice_h, params={"limit": 1}).json()
        assert listed["items"][0]["transaction_id"] == first.json()["transaction_id"]
        assert listed["items"][0]["direction"] == "debit" and listed["next_cursor"]
        older = http.get("/api/ledger/transactions", headers=alice_h,
                         params={"limit": 1, "cursor": listed["next_cursor"]}).json()
        assert older["items"][0]["type"] == "topup" and older["next_cursor"] is None

    event = _find_event(consumer, first.json()["transaction_id"], time.monotonic() + 75)
    consumer.close()
    assert event is not None, "payment.executed did not reach Kafka"
    assert event["type"] == "payment.executed" and event["data"]["amount"] == "250.50"
