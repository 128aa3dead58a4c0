"""Finding F1 (high): activation and password-reset tokens must never travel in events or rest in outbox rows
or stored mail bodies. Drives registration and a reset through the gateway, takes the token from the mail
LocalStack's SES received, and looks for it in the bytes on Kafka, auth's outbox and notifications' table."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from confluent_kafka import Consumer, TopicPartition

from tests.e2e.test_auth_flow import (
    ACTIVATION_SUBJECT,
    PASSWORD,
    RESET_SUBJECT,
    token_from,
    unique_email,
    wait_for_mail,
)
from tests.support.stack import database_url, stack


@pytest.fixture(scope="module")
def api(http: httpx.Client) -> Iterator[httpx.Client]:
    yield http


def kafka_values_mentioning(topic: str, needle: str, timeout: float = 20.0) -> list[bytes]:
    """Every record of `topic` (all partitions, from the start) whose value mentions `needle`."""
    consumer = Consumer({"bootstrap.servers": stack()["kafka_bootstrap"], "group.id": f"f1-{uuid.uuid4()}",
                         "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        found: list[bytes] = []
        done: set[int] = {p for p, end in ends.items() if end == 0}
        deadline = time.monotonic() + timeout
        while len(done) < len(partitions) and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            value = message.value() or b""
            if needle.encode() in value:
                found.append(value)
            if message.offset() + 1 >= ends[message.partition()]:
                done.add(message.partition())
        return found
    finally:
        consumer.close()


def rows_mentioning(service: str, sql: str, needle: str) -> list[str]:
    with psycopg.connect(database_url(service)) as conn:
        return [str(row[0]) for row in conn.execute(sql, (f"%{needle}%",)).fetchall()]


def assert_token_nowhere_but_the_mail(topic: str, email: str, token: str) -> None:
    events = kafka_values_mentioning(topic, email)
    assert events, f"the {topic} event for {email} is on Kafka"
    assert all(token.encode() not in value for value in events)
    outbox = rows_mentioning("auth", "SELECT payload::text FROM outbox WHERE payload::text LIKE %s", email)
    assert outbox and all(token not in payload for payload in outbox)
    bodies = rows_mentioning("notifications", "SELECT body FROM notifications WHERE recipient LIKE %s", email)
    assert bodies and all(token not in body for body in bodies)


def test_activation_token_is_only_in_the_mail(api: httpx.Client) -> None:
    email = unique_email("f1-activate")
    registered = api.post("/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": "F One"})
    assert registered.status_code == 202, registered.text
    token = token_from(wait_for_mail(email, ACTIVATION_SUBJECT), "activate")

    assert_token_nowhere_but_the_mail("user.registered", email, token)
    assert api.post("/api/auth/activate", json={"token": token}).status_code == 200


def test_reset_token_is_only_in_the_mail(api: httpx.Client) -> None:
    email = unique_email("f1-reset")
    assert api.post("/api/auth/register", json={"email": email, "password": PASSWORD,
                                                "full_name": "F One"}).status_code == 202
    activation = token_from(wait_for_mail(email, ACTIVATION_SUBJECT), "activate")
    assert api.post("/api/auth/activate", json={"token": activation}).status_code == 200

    assert api.post("/api/auth/password/forgot", json={"email": email}).status_code == 202
    token = token_from(wait_for_mail(email, RESET_SUBJECT), "reset-password")

    assert_token_nowhere_but_the_mail("user.password_reset_requested", email, token)
    reset = api.post("/api/auth/password/reset", json={"token": token, "password": "Another-horse-43"})
    assert reset.status_code == 204, reset.text
