"""The foundation through the local API gateway: every service healthy, and one event round trip
(outbox → Kafka → MSK mapping → consumer) that is idempotent and survives a Kafka outage."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
import pytest

from tests.support.services import SERVICES
from tests.support.stack import LOCAL, REPO_ROOT, bearer, database_url, gateway_url, mint_token, stack


def wait_for(condition: Callable[[], Any], timeout: float = 60, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    with httpx.Client(base_url=gateway_url(), timeout=30) as http:
        yield http


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_reports_its_dependencies(client: httpx.Client, service: str) -> None:
    response = client.get(f"/api/{service}/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["service"] == service
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "redis": "ok", "kafka": "ok"}
    assert body["checks"]["database"]["database"] == service
    assert response.headers["x-request-id"]


def test_protected_routes_need_a_valid_token(client: httpx.Client) -> None:
    path = f"/api/notifications/{uuid.uuid4()}"
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer("not-a-jwt")).status_code == 401
    expired = mint_token(roles=("employee",), ttl=-60)
    assert client.get(path, headers=bearer(expired)).status_code == 401
    wrong_audience = mint_token(roles=("employee",), aud="someone-else")
    assert client.get(path, headers=bearer(wrong_audience)).status_code == 401
    response = client.get(path, headers=bearer(mint_token(roles=("employee",))))
    assert response.status_code == 404
    assert response.json()["code"] == "notification_not_found"


def ses_messages_to(recipient: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{stack()['localstack_url']}/_aws/ses", timeout=10)
    response.raise_for_status()
    return [m for m in response.json()["messages"] if recipient in m["Destination"]["ToAddresses"]]


def send_notification(client: httpx.Client, recipient: str) -> str:
    response = client.post("/api/notifications/send", headers=bearer(mint_token(roles=("service",))),
                           json={"to": recipient, "template": "account_opened",
                                 "params": {"account_number": "40817810000000000001"}})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def notification_status(client: httpx.Client, notification_id: str) -> str:
    response = client.get(f"/api/notifications/{notification_id}", headers=bearer(mint_token(roles=("service",))))
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def outbox_row(notification_id: str) -> dict[str, Any]:
    with psycopg.connect(database_url("notifications")) as conn:
        row = conn.execute(
            "SELECT id, payload, published_at FROM outbox WHERE message_key = %s", (notification_id,)
        ).fetchone()
    assert row is not None
    return {"id": str(row[0]), "payload": row[1], "published_at": row[2]}


def test_event_round_trip_is_delivered_once(client: httpx.Client) -> None:
    recipient = f"round-trip-{uuid.uuid4().hex[:8]}@example.com"
    notification_id = send_notification(client, recipient)
    wait_for(lambda: notification_status(client, notification_id) == "sent")
    assert outbox_row(notification_id)["published_at"] is not None
    assert len(ses_messages_to(recipient)) == 1

    # Replay the very same event straight into the consumer, as a redelivery would: nothing changes.
    event = outbox_row(notification_id)["payload"]
    replay = {
        "eventSource": "aws:kafka",
        "eventSourceArn": "arn:aws:kafka:eu-central-1:000000000000:cluster/local/replay",
        "bootstrapServers": stack()["kafka_bootstrap"],
        "records": {"notification.requested-0": [{
            "topic": "notification.requested", "partition": 0, "offset": 0, "timestamp": 0,
            "timestampType": "CREATE_TIME", "key": base64.b64encode(notification_id.encode()).decode(),
            "value": base64.b64encode(json.dumps(event).encode()).decode(), "headers": []}]},
    }
    result = client.post("/__emulator/invoke/NotificationsFunction", json=replay)
    assert result.status_code == 200, result.text
    assert "duplicates" in result.text
    assert len(ses_messages_to(recipient)) == 1


def _kafka_pid() -> int:
    return int((LOCAL / "run" / "kafka.pid").read_text().split()[0])


def test_events_wait_in_the_outbox_while_kafka_is_down(client: httpx.Client) -> None:
    os.kill(_kafka_pid(), signal.SIGTERM)
    wait_for(lambda: client.get("/api/notifications/health").status_code == 503, timeout=60)
    try:
        recipient = f"outage-{uuid.uuid4().hex[:8]}@example.com"
        notification_id = send_notification(client, recipient)
        time.sleep(2)
        assert outbox_row(notification_id)["published_at"] is None
        assert notification_status(client, notification_id) == "queued"
    finally:
        subprocess.run(["python3", str(REPO_ROOT / "localstack" / "stackctl.py"), "up", "--quiet"], check=True)
    wait_for(lambda: client.get("/api/notifications/health").status_code == 200, timeout=60)
    # The scheduled sweeper (triggered now instead of waiting a minute) relays what waited.
    swept = client.post("/__emulator/schedules/NotificationsFunction/run")
    assert swept.status_code == 200, swept.text
    wait_for(lambda: notification_status(client, notification_id) == "sent", timeout=90)
    assert outbox_row(notification_id)["published_at"] is not None
    assert len(ses_messages_to(recipient)) == 1
