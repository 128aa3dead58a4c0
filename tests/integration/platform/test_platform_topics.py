"""Custom::KafkaTopics against the real local Kafka broker (plaintext here, SASL/IAM in AWS), on scratch
topic names that are deleted afterwards."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka.admin import AdminClient, ConfigResource

from bank_shared import custom_resource
from bank_shared.events.topics import ALL_TOPICS, LOGS_APP
from platform_service import handler, kafka_topics
from tests.support.custom_resources import Context, event, response_endpoint
from tests.support.stack import stack


@pytest.fixture
def prefix() -> Iterator[str]:
    value = f"crtest-{uuid.uuid4().hex[:8]}."
    yield value
    admin = AdminClient({"bootstrap.servers": stack()["kafka_bootstrap"]})
    names = [name for name in admin.list_topics(timeout=10).topics if name.startswith(value)]
    if names:
        for future in admin.delete_topics(names, request_timeout=30).values():
            future.result(timeout=30)


def run(prefix: str, partitions: int, request_type: str = "Create") -> dict[str, Any]:
    properties = {"BootstrapServers": stack()["kafka_bootstrap"], "Security": "plaintext", "Prefix": prefix,
                  "Partitions": str(partitions), "CodeVersion": "1"}
    with response_endpoint() as answers:
        custom_resource.handle(event("Custom::KafkaTopics", request_type, properties, url=answers.url,
                                     physical_id=None if request_type == "Create" else "bank-test-kafka-topics"),
                               Context(), handler.RESOURCES)
    return answers.only


def settled(prefix: str, partitions: int) -> dict[str, int]:
    """Partition counts once broker metadata shows `partitions` everywhere (it trails CreatePartitions)."""
    deadline = time.monotonic() + 20
    while True:
        counts = described(prefix)[0]
        if set(counts.values()) == {partitions} or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def described(prefix: str) -> tuple[dict[str, int], dict[str, str]]:
    admin = AdminClient({"bootstrap.servers": stack()["kafka_bootstrap"]})
    topics = {name: len(meta.partitions) for name, meta in admin.list_topics(timeout=10).topics.items()
              if name.startswith(prefix)}
    futures = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, name) for name in topics])
    retention = {resource.name: future.result(timeout=30)["retention.ms"].value
                 for resource, future in futures.items()}
    return topics, retention


def test_every_topic_is_created_then_converged_on_update(prefix: str) -> None:
    body = run(prefix, 1)
    assert body["Status"] == "SUCCESS", body
    partitions, retention = described(prefix)
    assert partitions == {prefix + name: 1 for name in ALL_TOPICS}
    assert retention[prefix + LOGS_APP] == str(kafka_topics.RETENTION_MS[LOGS_APP])
    assert retention[prefix + "payment.executed"] == str(kafka_topics.DOMAIN_EVENT_RETENTION_MS)

    assert run(prefix, 1, "Update")["Status"] == "SUCCESS"  # idempotent
    assert described(prefix)[0] == partitions

    body = run(prefix, 2, "Update")  # more partitions: grown in place
    assert body["Status"] == "SUCCESS", body
    assert set(settled(prefix, 2).values()) == {2}

    body = run(prefix, 1, "Update")  # fewer: Kafka cannot, so they are kept and the deploy goes on
    assert body["Status"] == "SUCCESS", body
    assert set(described(prefix)[0].values()) == {2}

    assert run(prefix, 2, "Delete")["Status"] == "SUCCESS"
    assert len(described(prefix)[0]) == len(ALL_TOPICS)  # a stack delete never deletes the event history
