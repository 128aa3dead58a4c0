"""Custom::KafkaTopics: every topic of `bank_shared.events.topics.ALL_TOPICS` exists on the cluster with the
partitions and retention chosen here. MSK Serverless creates no topic by itself and no function may.

Choices (documented in docs/aws.md):
- partitions: the `Partitions` property (a template parameter per stage: 1 in dev, 3 in prod). Events are
  keyed by aggregate id, so order holds per account/user with any count; partitions cap how many consumer
  invocations run in parallel per topic, and MSK Serverless bills every partition-hour.
- retention: 7 days for domain events (a consumer that was down for a week can still catch up; the
  outbox keeps the durable record), 1 day for `logs.app` (the Splunk forwarder drains it continuously).
- replication: the cluster's default (MSK Serverless replicates across three AZs itself).

The resource carries the platform function's published version as `CodeVersion`, so a topic added to the
code (a new layer, so a new version) updates the resource on the next deploy. Update creates what is
missing, raises partitions (Kafka cannot lower them: that is reported, not failed) and re-applies
retention. Delete removes nothing: topics hold the bank's event history.

Properties: BootstrapServers, Partitions, optional Security ("msk_iam" default, "plaintext" for local
tests) and Prefix (tests only: scratch topic names). Attributes: Topics (comma-separated names).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bank_shared.custom_resource import ConvergingResource, CustomResourceError, Outcome, Request
from bank_shared.events.kafka import client_config
from bank_shared.events.topics import ALL_TOPICS, LOGS_APP
from bank_shared.observability import logger

RESOURCE_TYPE = "Custom::KafkaTopics"
DAY_MS = 24 * 3600 * 1000
DOMAIN_EVENT_RETENTION_MS = 7 * DAY_MS
RETENTION_MS = {LOGS_APP: 1 * DAY_MS}
MAX_PARTITIONS = 24  # a typo (300) must not buy 300 partition-hours per topic
ADMIN_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int


def topic_specs(partitions: int, names: Iterable[str] = ALL_TOPICS, prefix: str = "") -> list[TopicSpec]:
    if not 1 <= partitions <= MAX_PARTITIONS:
        raise CustomResourceError(f"Partitions must be 1..{MAX_PARTITIONS}, not {partitions}")
    return [TopicSpec(prefix + name, partitions, RETENTION_MS.get(name, DOMAIN_EVENT_RETENTION_MS))
            for name in names]


class KafkaTopics(ConvergingResource):
    def physical_id(self, request: Request) -> str:
        return _physical_id(request)

    def converge(self, request: Request) -> Outcome:
        try:
            partitions = int(request.prop("Partitions"))
        except ValueError as error:
            raise CustomResourceError("Partitions must be a whole number") from error
        specs = topic_specs(partitions, prefix=str(request.properties.get("Prefix") or ""))
        security = str(request.properties.get("Security") or "msk_iam")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-central-1"
        config = client_config(str(request.prop("BootstrapServers")), security, region)
        outcome = ensure_topics(config, specs)
        logger.info("kafka topics ensured", extra={"topics": outcome})
        return Outcome(_physical_id(request), {"Topics": ",".join(spec.name for spec in specs)})


def _physical_id(request: Request) -> str:
    return f"{request.stack_name}-kafka-topics"


def ensure_topics(config: dict[str, Any], specs: list[TopicSpec],
                  timeout: float = ADMIN_TIMEOUT_SECONDS) -> dict[str, str]:
    """Create missing topics, raise partitions and set retention; returns what happened per topic."""
    from confluent_kafka.admin import AdminClient  # deferred: librdkafka loads only when needed

    admin = AdminClient(config)
    existing = admin.list_topics(timeout=timeout).topics
    outcome: dict[str, str] = {}
    _create_missing(admin, [spec for spec in specs if spec.name not in existing], timeout, outcome)
    for spec in specs:
        if spec.name in existing:
            current = len(existing[spec.name].partitions)
            outcome[spec.name] = _grow_partitions(admin, spec, current, timeout)
    _set_retention(admin, [spec for spec in specs if spec.name in existing], timeout)
    return outcome


def _create_missing(admin: Any, missing: list[TopicSpec], timeout: float, outcome: dict[str, str]) -> None:
    if not missing:
        return
    from confluent_kafka import KafkaError
    from confluent_kafka.cimpl import NewTopic

    futures = admin.create_topics(
        [NewTopic(spec.name, num_partitions=spec.partitions, replication_factor=-1,
                  config={"retention.ms": str(spec.retention_ms)}) for spec in missing],
        request_timeout=timeout)
    for name, future in futures.items():
        try:
            future.result(timeout=timeout)
            outcome[name] = "created"
        except Exception as error:
            # Another deploy (or an earlier attempt of this one) created it meanwhile: that is the goal.
            if _kafka_code(error) == KafkaError.TOPIC_ALREADY_EXISTS:
                outcome[name] = "exists"
                continue
            raise CustomResourceError(f"topic {name} could not be created: {error}") from error


def _grow_partitions(admin: Any, spec: TopicSpec, current: int, timeout: float) -> str:
    if current == spec.partitions:
        return "exists"
    if current > spec.partitions:
        return f"exists with {current} partitions (kept: Kafka cannot lower them)"
    from confluent_kafka.cimpl import NewPartitions

    futures = admin.create_partitions([NewPartitions(spec.name, spec.partitions)], request_timeout=timeout)
    try:
        futures[spec.name].result(timeout=timeout)
    except Exception as error:
        raise CustomResourceError(
            f"topic {spec.name}: partitions {current}→{spec.partitions} failed: {error}") from error
    return f"partitions {current}→{spec.partitions}"


def _set_retention(admin: Any, specs: list[TopicSpec], timeout: float) -> None:
    if not specs:
        return
    # Re-exported by confluent_kafka.admin without __all__ (hence the ignore).
    from confluent_kafka.admin import (  # type: ignore[attr-defined]
        AlterConfigOpType,
        ConfigEntry,
        ConfigResource,
    )

    resources = [ConfigResource(ConfigResource.Type.TOPIC, spec.name, incremental_configs=[
        ConfigEntry("retention.ms", str(spec.retention_ms), incremental_operation=AlterConfigOpType.SET)])
        for spec in specs]
    for resource, future in admin.incremental_alter_configs(resources, request_timeout=timeout).items():
        try:
            future.result(timeout=timeout)
        except Exception as error:
            raise CustomResourceError(f"topic {resource.name}: retention could not be set: {error}") from error


def _kafka_code(error: Exception) -> Any:
    """The KafkaError code a KafkaException carries (None for anything else)."""
    kafka_error: Any = error.args[0] if error.args else None
    return kafka_error.code() if hasattr(kafka_error, "code") else None
