"""Operations end to end (issue 12): one P2P transfer with a chosen X-Request-Id leaves log lines in every
service it passed through, and they reach the HEC stand-in through logs.app and Kafka Connect; while HEC
answers 503 nothing is lost (at least once: the sink commits offsets only after HEC acknowledged)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.test_auth_flow import PASSWORD, register_and_activate, unique_email
from tests.support.stack import cash_topup, gateway_url, login, stack

DEMO_PHONE = "+7 (900) 555-01-01"
# customer (the route), auth (the recipient's lookup), accounts (accounts and their owners), ledger (the
# money), notifications (the payment.executed consumer, through the outbox, Kafka and the consumer's context).
P2P_SERVICES = {"customer", "auth", "accounts", "ledger", "notifications"}
DEADLINE_SECONDS = 120


@pytest.fixture(scope="module")
def hec() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=str(stack()["hec"]["url"]), timeout=10) as client:
        yield client
        client.post("/__control", json={"unavailable_seconds": 0})  # never leave it switched off


@pytest.fixture(scope="module")
def sender(http: httpx.Client) -> dict[str, str]:
    email = unique_email("ops")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    headers = login(http, email, PASSWORD)
    opened = http.post("/api/accounts/open", headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                       json={"currency": "RUB"})
    assert opened.status_code == 201, opened.text
    assert cash_topup(http, opened.json()["id"], "300.00", "RUB").status_code == 201
    return {"Authorization": headers["Authorization"], "account_id": opened.json()["id"]}


def lines_of(hec: httpx.Client, request_id: str) -> list[dict[str, Any]]:
    found = hec.get("/__events", params={"request_id": request_id})
    assert found.status_code == 200, found.text
    return [entry["event"] for entry in found.json()["events"] if isinstance(entry["event"], dict)]


def wait_for(check: Any, what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"not within {DEADLINE_SECONDS} s: {what}")
        time.sleep(1)


def test_one_request_id_follows_a_p2p_transfer_through_every_service(
        http: httpx.Client, hec: httpx.Client, sender: dict[str, str]) -> None:
    request_id = f"e2e-ops-{uuid.uuid4()}"
    sent = http.post("/api/customer/transfer", headers={
        "Authorization": sender["Authorization"], "Idempotency-Key": str(uuid.uuid4()), "X-Request-Id": request_id,
    }, json={"from_account_id": sender["account_id"], "to_phone": DEMO_PHONE, "amount": "10.00", "currency": "RUB",
             "description": "e2e operations"})
    assert sent.status_code == 201, sent.text
    assert sent.headers["x-request-id"] == request_id

    def every_service() -> bool:
        return {line.get("service") for line in lines_of(hec, request_id)} >= P2P_SERVICES

    wait_for(every_service, f"lines of {sorted(P2P_SERVICES)} for {request_id}")
    lines = lines_of(hec, request_id)
    assert all(line.get("request_id") == request_id for line in lines)
    assert any(line["message"] == "kafka batch handled" and line["service"] == "notifications" for line in lines)


def test_nothing_is_lost_while_hec_answers_503(http: httpx.Client, hec: httpx.Client,
                                              sender: dict[str, str]) -> None:
    refused_before = hec.get("/__stats").json()["refused_requests"]
    assert hec.post("/__control", json={"unavailable_seconds": 30}).status_code == 200
    request_ids = [f"e2e-outage-{i}-{uuid.uuid4()}" for i in range(5)]
    try:
        for request_id in request_ids:
            answer = http.get("/api/accounts/my", headers={"Authorization": sender["Authorization"],
                                                           "X-Request-Id": request_id})
            assert answer.status_code == 200, answer.text
        # The sink met the 503s and kept retrying with backoff (three refused attempts) before HEC came back.
        wait_for(lambda: hec.get("/__stats").json()["refused_requests"] >= refused_before + 3,
                 "HEC refused the sink's batch three times")
        assert all(lines_of(hec, request_id) == [] for request_id in request_ids)
    finally:
        hec.post("/__control", json={"unavailable_seconds": 0})
    for request_id in request_ids:
        lines = wait_for(lambda request_id=request_id: lines_of(hec, request_id), f"lines for {request_id}")
        assert any(line["message"] == "request handled" and line["service"] == "accounts" for line in lines)
