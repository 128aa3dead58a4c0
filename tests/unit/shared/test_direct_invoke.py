"""Direct invokes in the callee: `/internal/*` exists only for them (a request through API Gateway gets a
404), and only the back office may name an employee it acts for (who then counts as staff and is recorded)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import APIRouter

from bank_shared.app import create_app, lambda_entrypoint
from bank_shared.auth import ACTING_EMPLOYEE_HEADER, CurrentPrincipal, StaffPrincipal
from bank_shared.http import ServiceClient, read_response
from bank_shared.settings import ServiceSettings
from local_gateway.events import HttpEventContext, HttpRequest, build_http_event
from tests.support.invoke import in_process
from tests.support.lambda_events import Context

EMPLOYEE_ID = str(uuid.uuid4())
router = APIRouter()


@router.get("/internal/ping")
def ping(principal: CurrentPrincipal) -> dict[str, Any]:
    return {"caller": principal.subject}


@router.post("/topup")
def staff_only(principal: StaffPrincipal) -> dict[str, Any]:
    return {"actor": principal.actor, "roles": sorted(principal.roles), "staff": principal.is_staff}


app = create_app("demo", [router])
handler = lambda_entrypoint(app)


def through_api_gateway(method: str, path: str, claims: dict[str, str],
                        headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """The event the HTTP API (here: the local emulator's builder) sends after its JWT authorizer passed."""
    request = HttpRequest(method, path, "", list((headers or {}).items()), b"", "203.0.113.9")
    event = build_http_event(request, HttpEventContext("ANY /api/demo/{proxy+}", {"proxy": path[10:]}, "gw-1",
                                                       authorizer={"jwt": {"claims": claims, "scopes": None}}))
    response = read_response(handler(event, Context()))
    return response.status_code, response.json()


def direct(caller: str, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    invoker, _ = in_process(caller, {"demo": app})
    response = ServiceClient("demo", retries=0, invoker=invoker).request(method, path, headers=headers)
    return response.status_code, response.json()


SERVICE_TOKEN = {"sub": "ledger", "roles": "[service]", "client_id": "ledger"}
EMPLOYEE_TOKEN = {"sub": EMPLOYEE_ID, "roles": "[employee]"}


@pytest.mark.parametrize("path", ["/api/demo/internal/ping", "/api/demo/internal", "/api/demo/internal/"])
def test_internal_routes_do_not_exist_through_api_gateway_even_for_a_service_token(path: str) -> None:
    status, body = through_api_gateway("GET", path, SERVICE_TOKEN)
    unknown_status, unknown = through_api_gateway("GET", "/api/demo/no-such-path", SERVICE_TOKEN)
    assert (status, body["code"]) == (404, "not_found") == (unknown_status, unknown["code"])
    assert body["detail"] == unknown["detail"]  # indistinguishable from a path the service does not have


def test_a_direct_invoke_reaches_the_internal_route() -> None:
    assert direct("customer", "GET", "/internal/ping") == (200, {"caller": "customer"})


def test_public_routes_still_answer_through_api_gateway() -> None:
    status, body = through_api_gateway("POST", "/api/demo/topup", EMPLOYEE_TOKEN)
    assert (status, body) == (200, {"actor": EMPLOYEE_ID, "roles": ["employee"], "staff": True})


def test_the_back_office_acting_for_an_employee_is_staff_and_the_employee_is_the_actor() -> None:
    status, body = direct("office", "POST", "/topup", {ACTING_EMPLOYEE_HEADER: EMPLOYEE_ID})
    assert (status, body) == (200, {"actor": EMPLOYEE_ID, "roles": ["service"], "staff": True})


def test_the_back_office_without_an_employee_is_no_staff() -> None:
    status, body = direct("office", "POST", "/topup")
    assert (status, body["code"]) == (403, "forbidden")


@pytest.mark.parametrize("caller", ["customer", "utilities", "fx", "ledger"])
def test_no_other_service_may_act_for_an_employee(caller: str) -> None:
    status, body = direct(caller, "POST", "/topup", {ACTING_EMPLOYEE_HEADER: EMPLOYEE_ID})
    assert (status, body["code"]) == (403, "acting_employee_refused")


def test_nobody_through_api_gateway_may_name_an_acting_employee() -> None:
    office_like = {"sub": "office", "roles": "[service]", "client_id": "office"}  # e.g. an OAuth2 client "office"
    for claims in (EMPLOYEE_TOKEN, office_like):
        status, body = through_api_gateway("POST", "/api/demo/topup", claims, {ACTING_EMPLOYEE_HEADER: EMPLOYEE_ID})
        assert (status, body["code"]) == (403, "acting_employee_refused")


def test_the_acting_employee_must_be_an_id() -> None:
    status, body = direct("office", "POST", "/topup", {ACTING_EMPLOYEE_HEADER: "admin"})
    assert (status, body["code"]) == (400, "bad_request")


def test_only_the_back_office_may_act_for_staff() -> None:
    assert ServiceSettings(services_acting_for_staff="office").acting_for_staff == frozenset({"office"})
    assert ServiceSettings(services_acting_for_staff="").acting_for_staff == frozenset()  # unset: nobody may
