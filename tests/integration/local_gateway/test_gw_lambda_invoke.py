"""boto3's Lambda client against the emulator's Invoke API: the same warm workers as the HTTP API, Lambda's
answers for results, function errors, crashes and time-outs, and the errors botocore models."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config

from local_gateway.intrinsics import ACCOUNT_ID


@pytest.fixture(scope="module")
def aws_lambda(emulator: Any) -> Iterator[Any]:
    config = Config(retries={"total_max_attempts": 1}, read_timeout=30)
    yield boto3.client("lambda", endpoint_url=emulator.base_url, region_name="eu-central-1",
                       aws_access_key_id="test", aws_secret_access_key="test", config=config)


def invoke(aws_lambda: Any, name: str, event: Any, **kwargs: Any) -> tuple[dict[str, Any], Any]:
    response = aws_lambda.invoke(FunctionName=name, Payload=json.dumps(event).encode(), **kwargs)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None


def test_request_response_runs_the_handler_in_the_warm_worker_the_http_api_uses(
        aws_lambda: Any, client: httpx.Client) -> None:
    over_http = client.get("/api/public/pid").json()
    response, result = invoke(aws_lambda, "Echo", {"rawPath": "/direct", "queryStringParameters": {}})
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    body = json.loads(result["body"])
    assert body["event"] == {"rawPath": "/direct", "queryStringParameters": {}}  # the event, untouched
    assert body["pid"] == over_http["pid"]  # the most recently used worker is the one reused
    assert body["context"]["function_name"] == "Echo"


def test_full_arn_and_latest_qualifier(aws_lambda: Any) -> None:
    arn = f"arn:aws:lambda:eu-central-1:{ACCOUNT_ID}:function:Echo"
    _, result = invoke(aws_lambda, arn, {"queryStringParameters": {"mode": "raw"}, "rawPath": "/arn"})
    assert result == {"raw": True, "path": "/arn"}
    _, result = invoke(aws_lambda, "Echo", {"queryStringParameters": {"mode": "raw"}, "rawPath": "/q"},
                       Qualifier="$LATEST")
    assert result == {"raw": True, "path": "/q"}


def test_a_raising_handler_is_a_function_error(aws_lambda: Any) -> None:
    response, error = invoke(aws_lambda, "Echo", {"queryStringParameters": {"mode": "error"}})
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "RuntimeError"
    assert "asked to fail" in error["errorMessage"] and error["stackTrace"]


def test_a_crashed_worker_and_a_time_out_are_function_errors(aws_lambda: Any) -> None:
    response, error = invoke(aws_lambda, "Crash", {"queryStringParameters": {"mode": "crash"}})
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.ExitError"
    started = time.monotonic()
    response, error = invoke(aws_lambda, "Slow", {})
    assert response["FunctionError"] == "Unhandled" and error["errorType"] == "Sandbox.Timedout"
    assert time.monotonic() - started < 4  # Timeout is 1 s; the handler sleeps 5 s


def test_unknown_functions_and_qualifiers_are_resource_not_found(aws_lambda: Any) -> None:
    with pytest.raises(aws_lambda.exceptions.ResourceNotFoundException) as caught:
        aws_lambda.invoke(FunctionName="Nope", Payload=b"{}")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert "Function not found: arn:aws:lambda:eu-central-1:" in str(caught.value)
    with pytest.raises(aws_lambda.exceptions.ResourceNotFoundException):
        aws_lambda.invoke(FunctionName="Echo", Qualifier="7", Payload=b"{}")


def test_a_payload_that_is_not_json_is_refused(aws_lambda: Any) -> None:
    with pytest.raises(aws_lambda.exceptions.InvalidRequestContentException):
        aws_lambda.invoke(FunctionName="Echo", Payload=b"not json")


def test_event_and_dry_run_invocations(aws_lambda: Any) -> None:
    event = aws_lambda.invoke(FunctionName="Echo", InvocationType="Event", Payload=b"{}")
    assert event["StatusCode"] == 202
    assert aws_lambda.invoke(FunctionName="Echo", InvocationType="DryRun", Payload=b"{}")["StatusCode"] == 204


def test_an_unsigned_request_is_refused(client: httpx.Client) -> None:
    response = client.post("/2015-03-31/functions/Echo/invocations", json={})
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
