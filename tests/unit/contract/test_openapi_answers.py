"""Every answer in `api_spec/` is documented: a schema on each success answer, problem+json on each error,
Retry-After on 429, the Idempotency-Key header where a route takes one, and the problem codes listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bank_shared.api_docs import CODES_KEY
from bank_shared.tools import openapi
from tests.support.services import SERVICES

NO_CONTENT = "204"


def _spec(service: str) -> dict[str, Any]:
    path: Path = openapi.spec_path(service)
    spec: dict[str, Any] = json.loads(path.read_text())
    return spec


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", operation) for path, item in spec["paths"].items()
            for method, operation in item.items() if isinstance(operation, dict) and "responses" in operation]


def _is_empty(schema: dict[str, Any]) -> bool:
    """No schema, `{}`, or a bare object (FastAPI's rendering of `dict[str, Any]`)."""
    if not schema:
        return True
    return schema.get("type") == "object" and not schema.get("properties") and "$ref" not in schema


@pytest.mark.parametrize("service", SERVICES)
def test_no_success_answer_has_an_empty_schema(service: str) -> None:
    empty = []
    for name, operation in _operations(_spec(service)):
        for status, answer in operation["responses"].items():
            if not status.startswith("2") or status == NO_CONTENT:
                continue
            content = answer.get("content", {})
            if not content or any(_is_empty(media.get("schema", {})) for media in content.values()):
                empty.append(f"{name} {status}")
    assert not empty, f"success answers without a response model: {empty}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_answer_is_a_problem_and_429_says_when_to_retry(service: str) -> None:
    spec = _spec(service)
    components = spec["components"]["responses"]
    assert components["TooManyRequests"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    for name, operation in _operations(spec):
        for status in ("400", "401", "403", "404", "409", "422", "429", "503"):
            assert status in operation["responses"], f"{name} does not document {status}"
        for status, answer in operation["responses"].items():
            if status[0] in "45" and "$ref" not in answer:
                assert "application/problem+json" in answer.get("content", {}), f"{name} {status}"


@pytest.mark.parametrize("service", SERVICES)
def test_idempotency_key_is_documented_where_a_route_takes_one(service: str) -> None:
    for name, operation in _operations(_spec(service)):
        keys = [p for p in operation.get("parameters", []) if p.get("name") == "Idempotency-Key"]
        for key in keys:
            assert key["in"] == "header" and key["schema"]["type"] == "string", name
            for status, answer in operation["responses"].items():
                if status.startswith("2") and status != NO_CONTENT:
                    assert "Idempotent-Replayed" in answer.get("headers", {}), f"{name} {status}"


@pytest.mark.parametrize("service", SERVICES)
def test_problem_codes_are_listed(service: str) -> None:
    codes = _spec(service)["components"]["schemas"]["Problem"][CODES_KEY]
    assert {"validation_failed", "rate_limited", "internal_error"} <= set(codes)
    assert codes == sorted(set(codes))


def test_relaying_services_list_the_relayed_codes() -> None:
    ledger = set(_spec("ledger")["components"]["schemas"]["Problem"][CODES_KEY])
    customer = set(_spec("customer")["components"]["schemas"]["Problem"][CODES_KEY])
    assert "insufficient_funds" in ledger
    assert ledger <= customer
