"""AsyncAPI as the contract: message payloads generated from the event models (exact), consumers documented as
`receive` operations equal to each service's `CONSUMES`, and every topic either consumed or given a reason."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bank_shared.events.schemas import EVENT_MODELS
from bank_shared.events.topics import ALL_TOPICS
from bank_shared.tools import asyncapi
from tests.support.services import SERVICES

REPO = Path(__file__).resolve().parents[3]


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "api_spec" / "asyncapi.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_committed_payloads_are_generated_from_the_models() -> None:
    assert asyncapi.main(["check"]) == 0, "run `make openapi`"


def test_every_topic_has_an_exact_model() -> None:
    assert set(EVENT_MODELS) == set(ALL_TOPICS)

    def exact(schema: dict[str, Any], where: str) -> None:
        if schema.get("type") == "object" and "properties" in schema:
            assert schema.get("additionalProperties") is False, where
            assert set(schema.get("required", [])) <= set(schema["properties"]), where
            for name, sub in schema["properties"].items():
                exact(sub, f"{where}.{name}")
        for sub in schema.get("anyOf", []):
            exact(sub, where)

    for topic in ALL_TOPICS:
        schema = asyncapi.data_schema(topic)
        exact(schema, topic)
        assert schema["required"], topic


def channels_by_address(doc: dict[str, Any]) -> dict[str, str]:
    return {channel["address"]: name for name, channel in doc["channels"].items()}


def test_consumers_are_receive_operations_equal_to_consumes() -> None:
    doc = document()
    names = channels_by_address(doc)
    documented = {(op["x-consumer-group"].split("-", 1)[0], op["channel"]["$ref"].rsplit("/", 1)[-1])
                  for op in doc["operations"].values() if op["action"] == "receive"}
    declared = set()
    for service in SERVICES:
        events = importlib.import_module(f"{service}_service.events")
        declared |= {(service, names[topic]) for topic in events.CONSUMES}
    assert documented == declared


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_every_topic_is_consumed_or_says_why_not(topic: str) -> None:
    doc = document()
    channel = doc["channels"][channels_by_address(doc)[topic]]
    consumed = any(op["action"] == "receive" and op["channel"]["$ref"].endswith("/" + channels_by_address(doc)[topic])
                   for op in doc["operations"].values())
    reason = channel.get("x-no-consumer")
    assert consumed != bool(reason), f"{topic}: a receive operation or an x-no-consumer reason (not both)"
