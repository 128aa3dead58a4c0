"""The service-to-service client over direct Lambda invoke: the event it sends, how the callee's answer and
every way of not answering (function error, throttling, time-out, no such function) map, and retries."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber
from fastapi import APIRouter, Request

from bank_shared.app import create_app
from bank_shared.auth import CurrentPrincipal
from bank_shared.errors import AccountNotEmpty, DependencyUnavailable
from bank_shared.http import Answer, LambdaInvoker, ServiceClient
from bank_shared.observability import bind_request_id
from tests.support.invoke import in_process


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """What Mangum returns for an HTTP response (payload 2.0)."""
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})},
            "body": json.dumps(body if body is not None else {}), "isBase64Encoded": False}


class ScriptedLambda:
    """boto3 Lambda client stand-in: plays `outcomes` in order (a handler result, or an exception to raise)
    and records what it was asked."""

    def __init__(self, *outcomes: Any, function_error: bool = False) -> None:
        self.outcomes = list(outcomes)
        self.function_error = function_error
        self.calls: list[dict[str, Any]] = []
        self.timeouts: list[float] = []

    def client_for(self, timeout: float) -> ScriptedLambda:
        self.timeouts.append(timeout)
        return self

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append({**kwargs, "event": json.loads(kwargs["Payload"])})
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        response = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(outcome).encode())}
        if self.function_error:
            response["FunctionError"] = "Unhandled"
        return response


def client(fake: Any, retries: int = 2, caller: str = "customer") -> ServiceClient:
    invoker = LambdaInvoker(caller, "bank-test-", client_for=fake.client_for)
    return ServiceClient("ledger", retries=retries, backoff_seconds=0, invoker=invoker)


def test_the_event_is_an_api_gateway_request_carrying_the_callers_identity() -> None:
    fake = ScriptedLambda(answer(201, {"id": "t-1"}))
    bind_request_id("req-42")
    response = client(fake).post("/internal/transfers", json={"amount": "1.00"}, params=[("a", "1"), ("a", "2")],
                                 headers={"Idempotency-Key": "k-1"}, timeout=2.5)
    assert response.status_code == 201 and response.json() == {"id": "t-1"}
    (sent,) = fake.calls
    assert sent["FunctionName"] == "bank-test-ledger" and sent["InvocationType"] == "RequestResponse"
    assert fake.timeouts == [2.5]  # boto3's read timeout is the caller's timeout
    event = sent["event"]
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/api/ledger/internal/transfers"
    assert event["rawQueryString"] == "a=1&a=2" and event["queryStringParameters"] == {"a": "1,2"}
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["http"]["path"] == "/api/ledger/internal/transfers"
    assert event["requestContext"]["directInvoke"] == {"caller": "customer"}
    assert event["requestContext"]["authorizer"]["jwt"]["claims"] == {
        "sub": "customer", "client_id": "customer", "roles": "[service]", "token_use": "service"}
    assert event["headers"]["idempotency-key"] == "k-1"
    assert event["headers"]["x-request-id"] == "req-42"
    assert event["headers"]["content-type"] == "application/json"
    assert "authorization" not in event["headers"]  # no token travels between services
    assert json.loads(event["body"]) == {"amount": "1.00"} and event["isBase64Encoded"] is False


def test_the_event_runs_through_mangum_to_the_route() -> None:
    router = APIRouter()

    @router.post("/internal/echo/{item}")
    def echo(item: str, principal: CurrentPrincipal, request: Request) -> dict[str, Any]:
        return {"item": item, "sub": principal.subject, "roles": sorted(principal.roles),
                "q": request.query_params.getlist("q"), "id": request.headers.get("x-request-id")}

    invoker, _ = in_process("fx", {"ledger": create_app("ledger", [router])})
    bind_request_id("req-7")
    response = ServiceClient("ledger", invoker=invoker).post("/internal/echo/x", params={"q": "1"}, json={})
    assert response.json() == {"item": "x", "sub": "fx", "roles": ["service"], "q": ["1"], "id": "req-7"}
    assert response.headers["x-request-id"] == "req-7"


def test_answers_below_500_are_relayed_and_replays_marked() -> None:
    fake = ScriptedLambda(answer(422, {"code": "insufficient_funds"}, {"Idempotent-Replayed": "true"}))
    result = client(fake).call_with_key("/internal/transfers", "k-1", {"amount": "1.00"}, timeout=1)
    assert result == Answer(422, {"code": "insufficient_funds"}, replayed=True)


def test_base64_bodies_are_decoded_and_non_json_bodies_are_empty_objects() -> None:
    encoded = {"statusCode": 200, "body": base64.b64encode(b'{"items": [1]}').decode(), "isBase64Encoded": True}
    assert client(ScriptedLambda(encoded)).get_json("/internal/x") == {"items": [1]}
    text = {"statusCode": 200, "body": "ok", "headers": {"content-type": "text/plain"}}
    assert client(ScriptedLambda(text)).get_json("/internal/x") == {}


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_5xx_and_refusals_of_our_identity_are_outages(status: int) -> None:
    fake = ScriptedLambda(*[answer(status)] * 3)
    with pytest.raises(DependencyUnavailable):
        client(fake).call_with_key("/internal/transfers", "k", {}, timeout=1)


def test_get_json_needs_a_200() -> None:
    with pytest.raises(DependencyUnavailable):
        client(ScriptedLambda(answer(404, {"code": "not_found"}))).get_json("/internal/x")


def test_find_is_none_on_404_and_items_must_be_a_list() -> None:
    assert client(ScriptedLambda(answer(404, {"code": "user_not_found"}))).find("/internal/users/1") is None
    assert client(ScriptedLambda(answer(200, {"id": "1"}))).find("/internal/users/1") == {"id": "1"}
    with pytest.raises(DependencyUnavailable):
        client(ScriptedLambda(answer(409, {"code": "conflict"}))).find("/internal/users/1")
    assert client(ScriptedLambda(answer(200, {"items": [{"id": "a"}]}))).items("/internal/x") == [{"id": "a"}]
    assert client(ScriptedLambda(answer(200, {}))).items("/internal/x") == []
    with pytest.raises(DependencyUnavailable, match="without items"):
        client(ScriptedLambda(answer(200, {"items": "a"}))).items("/internal/x")


def test_a_declared_refusal_is_our_own_error_with_the_callees_detail_others_are_outages() -> None:
    refusals = {409: AccountNotEmpty}
    refused = ScriptedLambda(answer(409, {"code": "account_not_empty", "detail": "Balance 5.00"}))
    with pytest.raises(AccountNotEmpty, match=r"Balance 5\.00"):
        client(refused).lookup("POST", "/internal/accounts/a/close", refusals=refusals)
    with pytest.raises(DependencyUnavailable):
        client(ScriptedLambda(answer(422, {"code": "x"}))).lookup("POST", "/internal/x", refusals=refusals)
    assert client(ScriptedLambda(answer(201, {"ok": 1}))).lookup("POST", "/internal/x", refusals=refusals) == {"ok": 1}


def test_the_clients_timeout_is_read_on_each_call_unless_the_call_names_one() -> None:
    waits = iter([1.5, 2.5])
    fake = ScriptedLambda(answer(200), answer(200), answer(200))
    invoker = LambdaInvoker("customer", "bank-test-", client_for=fake.client_for)
    ledger = ServiceClient("ledger", timeout=lambda: next(waits), invoker=invoker)
    ledger.get("/internal/x")
    ledger.get("/internal/x")
    ledger.get("/internal/x", timeout=0.5)
    assert fake.timeouts == [1.5, 2.5, 0.5]


def test_a_function_error_is_an_outage_retried_for_safe_requests() -> None:
    error = {"errorType": "Runtime.ExitError", "errorMessage": "worker died"}
    fake = ScriptedLambda(error, error, error, function_error=True)
    with pytest.raises(DependencyUnavailable) as caught:
        client(fake).get("/internal/x")
    assert "Runtime.ExitError" in caught.value.detail and caught.value.extra == {"dependency": "ledger"}
    assert len(fake.calls) == 3


def test_a_timeout_is_retried_then_an_outage() -> None:
    timeout = ReadTimeoutError(endpoint_url="http://lambda")
    fake = ScriptedLambda(timeout, answer(200, {"ok": True}))
    assert client(fake).get_json("/internal/x") == {"ok": True}
    with pytest.raises(DependencyUnavailable, match="ReadTimeoutError"):
        client(ScriptedLambda(timeout, timeout, timeout)).get("/internal/x")
    with pytest.raises(DependencyUnavailable, match="EndpointConnectionError"):
        client(ScriptedLambda(EndpointConnectionError(endpoint_url="http://lambda")), retries=0).get("/x")


def test_only_safe_requests_and_keyed_posts_are_retried() -> None:
    busy = answer(503, {"code": "dependency_unavailable"})
    unkeyed = ScriptedLambda(busy, answer(201))
    assert client(unkeyed).post("/internal/accounts", json={}).status_code == 503  # never sent twice
    assert len(unkeyed.calls) == 1
    keyed = ScriptedLambda(busy, answer(201))
    assert client(keyed).post("/internal/holds", json={}, headers={"Idempotency-Key": "k"}).status_code == 201
    assert len(keyed.calls) == 2
    assert keyed.calls[0]["event"] == keyed.calls[1]["event"]  # the retry is the same request


def real_lambda_client() -> Any:
    return boto3.client("lambda", region_name="eu-central-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def test_throttling_as_boto3_reports_it_is_retried_then_an_outage() -> None:
    lambda_client = real_lambda_client()
    stubber = Stubber(lambda_client)
    for _ in range(2):
        stubber.add_client_error("invoke", "TooManyRequestsException", "Rate Exceeded.", 429)
    stubber.add_response("invoke", {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer(200)).encode())})
    invoker = LambdaInvoker("fx", "bank-test-", client_for=lambda _timeout: lambda_client)
    with stubber:
        assert ServiceClient("ledger", backoff_seconds=0, invoker=invoker).get("/internal/x").status_code == 200
        stubber.add_client_error("invoke", "TooManyRequestsException", "Rate Exceeded.", 429)
        with pytest.raises(DependencyUnavailable, match="TooManyRequestsException"):
            ServiceClient("ledger", retries=0, invoker=invoker).get("/internal/x")


def test_a_missing_function_is_an_outage_without_retries() -> None:
    lambda_client = real_lambda_client()
    stubber = Stubber(lambda_client)
    stubber.add_client_error("invoke", "ResourceNotFoundException", "Function not found", 404)
    invoker = LambdaInvoker("fx", "bank-test-", client_for=lambda _timeout: lambda_client)
    with stubber, pytest.raises(DependencyUnavailable, match="ResourceNotFoundException"):
        ServiceClient("ledger", retries=2, backoff_seconds=0, invoker=invoker).get("/internal/x")
    stubber.assert_no_pending_responses()


def test_an_answer_that_is_not_an_http_response_is_an_outage() -> None:
    with pytest.raises(DependencyUnavailable, match="not an HTTP response"):
        client(ScriptedLambda({"unexpected": True}), retries=0).get("/internal/x")
