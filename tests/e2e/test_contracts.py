"""Contracts end to end through the local API gateway with real logins: the admin publishes a version, an
employee concludes a contract for the demo customer (replay creates nothing new), the customer signs, staff
activate it, contract.activated reaches Kafka; another customer sees 404 and a wrong step is a 409."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition

from tests.support.stack import bearer, demo_login, mint_token, stack


def consumer_at_end(topic: str) -> Consumer:
    consumer = Consumer({"bootstrap.servers": str(stack()["kafka_bootstrap"]), "group.id": f"e2e-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    partitions = []
    for partition in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        partitions.append(TopicPartition(topic, partition, high))
    consumer.assign(partitions)
    return consumer


def find_event(consumer: Consumer, contract_id: str, deadline: float) -> dict[str, Any] | None:
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        event = json.loads(message.value())
        if event.get("data", {}).get("contract_id") == contract_id:
            return dict(event)
    return None


def test_contract_from_publication_to_activation(http: httpx.Client) -> None:
    admin, employee, customer = demo_login(http, "admin"), demo_login(http, "employee"), demo_login(http, "customer")
    customer_id = http.get("/api/auth/me", headers=customer).json()["id"]
    templates = http.get("/api/contracts/templates", headers=employee).json()["items"]
    kbo = next(item for item in templates if item["code"] == "kbo")

    # the admin publishes a new version; new contracts use it
    body = ("Договор комплексного банковского обслуживания № {{contract_number}} от {{contract_date}}.\n"
            f"Клиент: {{{{full_name}}}}. Редакция e2e {uuid.uuid4().hex[:8]}.")
    published = http.post(f"/api/contracts/templates/{kbo['id']}/versions", headers=admin, json={
        "title": "Договор комплексного банковского обслуживания", "body": body,
        "effective_from": datetime.now(UTC).date().isoformat()})
    assert published.status_code == 201, published.text
    version = published.json()["version"]
    assert version > kbo["latest_version"]
    assert http.post(f"/api/contracts/templates/{kbo['id']}/versions", headers=employee, json={
        "title": "x", "body": "x", "effective_from": "2026-01-01"}).status_code == 403

    # the employee concludes it for the demo customer; a replay creates nothing new
    key = str(uuid.uuid4())
    request = {"template_id": kbo["id"], "customer_id": customer_id, "parameters": {"full_name": "Демо Клиент"}}
    created = http.post("/api/contracts/contracts", headers={**employee, "Idempotency-Key": key}, json=request)
    replay = http.post("/api/contracts/contracts", headers={**employee, "Idempotency-Key": key}, json=request)
    assert created.status_code == 201, created.text
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    contract = created.json()
    assert replay.json()["id"] == contract["id"]
    assert (contract["status"], contract["template_version"]) == ("draft", version)
    mine = http.get("/api/contracts/contracts/my", headers=customer).json()["items"]
    assert sum(item["id"] == contract["id"] for item in mine) == 1
    path = f"/api/contracts/contracts/{contract['id']}"
    document = http.get(f"{path}/document", headers=customer).json()
    assert "Клиент: Демо Клиент." in document["text"] and document["sha256"] == contract["document_sha256"]

    # another customer sees nothing; a step out of order is a 409
    stranger = bearer(mint_token(str(uuid.uuid4())))  # another customer, without spending the login budget
    for response in (http.get(path, headers=stranger), http.post(f"{path}/sign", headers=stranger)):
        assert response.status_code == 404 and response.json()["code"] == "contract_not_found"
    early = http.post(f"{path}/activate", headers=employee)
    assert early.status_code == 409 and early.json()["code"] == "invalid_contract_transition"
    assert early.headers["content-type"].startswith("application/problem+json")

    # the customer signs, staff activate, contract.activated reaches Kafka
    consumer = consumer_at_end("contract.activated")
    try:
        signed = http.post(f"{path}/sign", headers=customer)
        assert signed.status_code == 200 and signed.json()["status"] == "signed", signed.text
        activated = http.post(f"{path}/activate", headers=employee)
        assert activated.status_code == 200 and activated.json()["status"] == "active", activated.text
        event = find_event(consumer, contract["id"], time.monotonic() + 60)
    finally:
        consumer.close()
    assert event is not None and event["type"] == "contract.activated"
    assert event["data"]["customer_id"] == customer_id and event["data"]["version"] == version
    again = http.post(f"{path}/sign", headers=customer)
    assert again.status_code == 409 and again.json()["code"] == "invalid_contract_transition"
    listed = http.get("/api/contracts/contracts", headers=employee, params={"customer_id": customer_id}).json()
    assert contract["id"] in [item["id"] for item in listed["items"]]
