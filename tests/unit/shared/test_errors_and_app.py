"""The error mapping and request-id middleware, driven through the real Lambda entry point."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field

from bank_shared.app import create_app, lambda_entrypoint
from bank_shared.auth import CurrentPrincipal, StaffPrincipal
from bank_shared.errors import NotFound
from tests.support.lambda_events import Context, http_event

router = APIRouter()


class Thing(BaseModel):
    name: str = Field(min_length=2)
    count: int


class ThingMissing(NotFound):
    code = "thing_not_found"


@router.get("/things/{thing_id}")
def get_thing(thing_id: str, principal: CurrentPrincipal) -> dict[str, Any]:
    if thing_id == "missing":
        raise ThingMissing("No such thing")
    if thing_id == "boom":
        raise RuntimeError("database password is hunter2")
    if thing_id == "db-down":
        import psycopg

        raise psycopg.OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    if thing_id == "aws-down":
        from botocore.exceptions import EndpointConnectionError

        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:4566/")
    return {"id": thing_id, "owner": principal.subject, "roles": sorted(principal.roles)}


@router.post("/things")
def create_thing(thing: Thing, _staff: StaffPrincipal) -> Thing:
    return thing


app = create_app("demo", [router], health_checks={})
handler = lambda_entrypoint(app)


def invoke(event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    response = handler(event, Context())
    body = response["body"]
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return response["statusCode"], response["headers"], json.loads(body) if body else None


CUSTOMER = {"sub": "user-1", "roles": "[customer]", "aud": "bank-api"}


def test_claims_reach_the_route_as_a_principal() -> None:
    status, _, body = invoke(http_event("GET", "/api/demo/things/t1", claims=CUSTOMER))
    assert status == 200
    assert body == {"id": "t1", "owner": "user-1", "roles": ["customer"]}


def test_missing_claims_are_a_401_problem() -> None:
    status, headers, body = invoke(http_event("GET", "/api/demo/things/t1"))
    assert status == 401
    assert headers["content-type"] == "application/problem+json"
    assert body["code"] == "unauthorized" and body["status"] == 401


def test_domain_errors_map_to_problem_json() -> None:
    status, _, body = invoke(http_event("GET", "/api/demo/things/missing", claims=CUSTOMER))
    assert status == 404
    assert body["code"] == "thing_not_found"
    assert body["type"].endswith("/thing_not_found")
    assert body["detail"] == "No such thing"
    assert body["instance"] == "/api/demo/things/missing"


def test_unexpected_errors_hide_their_details() -> None:
    status, _, body = invoke(http_event("GET", "/api/demo/things/boom", claims=CUSTOMER))
    assert status == 500
    assert body["code"] == "internal_error"
    assert "hunter2" not in json.dumps(body)


def test_validation_errors_list_each_field() -> None:
    staff = {"sub": "emp-1", "roles": "[employee]"}
    status, _, body = invoke(http_event("POST", "/api/demo/things", body={"name": "x"}, claims=staff))
    assert status == 422
    assert body["code"] == "validation_failed"
    assert {error["field"] for error in body["errors"]} == {"name", "count"}


def test_roles_are_enforced() -> None:
    status, _, body = invoke(http_event("POST", "/api/demo/things", body={"name": "xy", "count": 1},
                                        claims=CUSTOMER))
    assert status == 403
    assert body["code"] == "forbidden"


def test_unknown_route_is_a_404_problem() -> None:
    status, headers, body = invoke(http_event("GET", "/api/demo/nowhere", claims=CUSTOMER))
    assert status == 404
    assert headers["content-type"] == "application/problem+json"
    assert body["code"] == "not_found"


def test_request_id_is_echoed_or_taken_from_the_gateway() -> None:
    _, headers, _ = invoke(http_event("GET", "/api/demo/things/t", claims=CUSTOMER,
                                      headers={"x-request-id": "abc-123"}))
    assert headers["x-request-id"] == "abc-123"
    _, headers, _ = invoke(http_event("GET", "/api/demo/things/t", claims=CUSTOMER))
    assert headers["x-request-id"] == "gw-request-1"


def test_operation_ids_are_service_prefixed() -> None:
    operation_ids = {
        operation["operationId"] for path in app.openapi()["paths"].values() for operation in path.values()
    }
    assert {"demo_get_thing", "demo_create_thing", "demo_health"} <= operation_ids


@pytest.mark.parametrize(("thing", "dependency"), [("db-down", "database"), ("aws-down", "aws")])
def test_an_unreachable_dependency_is_a_503_to_retry_not_a_500(thing: str, dependency: str) -> None:
    """Found by the fault drills: a PostgreSQL restart or LocalStack outage answered 500."""
    status, headers, body = invoke(http_event("GET", f"/api/demo/things/{thing}", claims=CUSTOMER))
    assert status == 503
    assert headers["retry-after"] == "1"
    assert body["code"] == "dependency_unavailable" and body["dependency"] == dependency
    assert "127.0.0.1" not in json.dumps(body)
