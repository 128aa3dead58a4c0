"""The bytes on Kafka match `api_spec/asyncapi.yaml`: real code paths through the gateway (a customer created in
the office sets a password, gets accounts, a card, a cash top-up, a closed account and a terminated agreement;
an absorbed reset request; a named notice), then every record on every topic, read from the beginning with a
fresh consumer group, is validated against its message's schema (the CloudEvent envelope and the exact `data`):
what the other e2e tests drove on this stack before (transfers, exchanges, utilities, contracts) is checked too.
`payment.failed` is not driven: the customer route refuses an uncovered transfer before the ledger (no event)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from bank_shared.events.topics import ALL_TOPICS
from tests.e2e.test_auth_flow import PASSWORD, WELCOME_SUBJECT, token_from, unique_email, wait_for_mail
from tests.e2e.test_foundation import send_notification
from tests.support.stack import cash_topup, demo_login, login, stack

REPO = Path(__file__).resolve().parents[2]


def message_schemas() -> dict[str, dict[str, Any]]:
    """topic → the JSON Schema of its whole message (the envelope's $ref resolved)."""
    doc = yaml.safe_load((REPO / "api_spec" / "asyncapi.yaml").read_text(encoding="utf-8"))
    envelope = doc["components"]["schemas"]["CloudEvent"]

    def resolved(node: Any) -> Any:
        if isinstance(node, dict):
            return envelope if node.get("$ref") == "#/components/schemas/CloudEvent" else {
                key: resolved(value) for key, value in node.items()}
        return [resolved(item) for item in node] if isinstance(node, list) else node

    return {message["name"]: resolved(message["payload"]) for message in doc["components"]["messages"].values()}


def read_all(seen: dict[str, list[dict[str, Any]]], must: set[tuple[str, str, str]], timeout: float = 60) -> None:
    """Every record of every topic from the beginning into `seen` (the values as parsed JSON), until each
    (topic, data field, value) in `must` was seen and the end of every partition was reached."""
    from confluent_kafka import Consumer, KafkaError

    consumer = Consumer({"bootstrap.servers": stack()["kafka_bootstrap"], "group.id": f"e2e-contract-{uuid.uuid4()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "enable.partition.eof": True})
    consumer.subscribe(list(ALL_TOPICS))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                if all(any(str(r.get("data", {}).get(f)) == v for r in seen.get(t, [])) for t, f, v in must):
                    return
                continue
            if message.error():
                assert message.error().code() == KafkaError._PARTITION_EOF, message.error()
                continue
            seen.setdefault(message.topic(), []).append(json.loads(message.value()))
        missing = [m for m in must if not any(str(r.get("data", {}).get(m[1])) == m[2] for r in seen.get(m[0], []))]
        pytest.fail(f"not on Kafka within {timeout} s: {missing}")
    finally:
        consumer.close()


def test_every_event_on_kafka_matches_its_asyncapi_schema(http: httpx.Client) -> None:
    employee = demo_login(http, "employee")
    email = unique_email("contract")
    customer_id = http.post("/api/office/customers", headers=employee,
                            json={"email": email, "full_name": "Contract Check"}).json()["id"]
    token = token_from(wait_for_mail(email, WELCOME_SUBJECT), "reset-password")
    assert http.post("/api/auth/password/reset", json={"token": token, "password": PASSWORD}).status_code == 204
    customer = login(http, email, PASSWORD)
    account = http.post(f"/api/office/customers/{customer_id}/accounts",
                        headers={**employee, "Idempotency-Key": str(uuid.uuid4())}, json={"currency": "RUB"}).json()
    card = http.post(f"/api/office/accounts/{account['id']}/cards",
                     headers={**employee, "Idempotency-Key": str(uuid.uuid4())}).json()
    assert cash_topup(http, account["id"], "100.00", "RUB").status_code == 201
    # a second account, closed (account.closed)
    second = http.post(f"/api/office/customers/{customer_id}/accounts",
                       headers={**employee, "Idempotency-Key": str(uuid.uuid4())}, json={"currency": "RUB"}).json()
    assert http.post(f"/api/office/accounts/{second['id']}/close", headers=employee).status_code == 200
    # the account agreement concluded for the first account, terminated by staff (contract.terminated)
    agreements: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while not agreements and time.monotonic() < deadline:
        agreements = http.get("/api/contracts/contracts/my", headers=customer).json()["items"]
        time.sleep(0.5)
    assert agreements, "no account agreement concluded"
    terminated = http.post(f"/api/contracts/contracts/{agreements[-1]['id']}/terminate", headers=employee,
                           json={"reason": "e2e contract check"})
    assert terminated.status_code == 200, terminated.text
    assert http.post("/api/auth/password/forgot", json={"email": unique_email("nobody")}).status_code == 202
    send_notification(http, unique_email("notice"))

    must = {("user.password_reset_requested", "user_id", customer_id),
            ("user.password_changed", "user_id", customer_id),
            ("user.activated", "user_id", customer_id),
            ("account.opened", "account_id", account["id"]),
            ("card.issued", "card_id", card["id"]),
            ("payment.executed", "to_account_id", account["id"]),
            ("account.closed", "account_id", second["id"]),
            ("contract.terminated", "customer_id", customer_id),
            ("contract.activated", "customer_id", customer_id),
            ("logs.app", "message", "one-time link request absorbed")}
    seen: dict[str, list[dict[str, Any]]] = {}
    read_all(seen, must)

    schemas = message_schemas()
    assert set(schemas) == set(ALL_TOPICS)
    checked = 0
    for topic, records in seen.items():
        validator = jsonschema.Draft202012Validator(schemas[topic], format_checker=jsonschema.FormatChecker())
        for record in records:
            errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
            assert not errors, f"{topic}: {errors[0].message} at {list(errors[0].path)} in {record}"
            checked += 1
    assert checked >= len(must)
    assert {topic for topic, records in seen.items() if records} >= {topic for topic, _, _ in must}
