"""Entry point of the platform function: one CloudFormation custom resource type per module."""

from __future__ import annotations

from typing import Any

from bank_shared.custom_resource import Resource, handle
from platform_service import databases, kafka_bootstrap, kafka_topics

RESOURCES: dict[str, Resource] = {
    databases.RESOURCE_TYPE: databases.ServiceDatabases(),
    kafka_bootstrap.RESOURCE_TYPE: kafka_bootstrap.KafkaBootstrap(),
    kafka_topics.RESOURCE_TYPE: kafka_topics.KafkaTopics(),
}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return handle(event, context, RESOURCES)
