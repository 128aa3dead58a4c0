"""The emulator's Lambda Invoke API without a server: function names, Lambda's answers, refused requests."""

from __future__ import annotations

import json

import pytest

from local_gateway.lambda_api import (
    MAX_PAYLOAD_BYTES,
    Target,
    invocation_response,
    parse_function_name,
    request_error,
)
from local_gateway.workers import Invocation

SIGNED = {"authorization": "AWS4-HMAC-SHA256 Credential=test/20261202/eu-central-1/lambda/aws4_request, ..."}


@pytest.mark.parametrize(("raw", "qualifier", "expected"), [
    ("bank-local-ledger", None, Target("bank-local-ledger", None)),
    ("bank-local-ledger:$LATEST", None, Target("bank-local-ledger", "$LATEST")),
    ("bank-local-ledger", "7", Target("bank-local-ledger", "7")),
    ("123456789012:function:bank-local-ledger", None, Target("bank-local-ledger", None)),
    ("arn:aws:lambda:eu-central-1:123456789012:function:bank-local-ledger", None, Target("bank-local-ledger", None)),
    ("arn:aws:lambda:eu-central-1:123456789012:function:bank-local-ledger:live", None,
     Target("bank-local-ledger", "live")),
])
def test_function_names_in_every_form_lambda_accepts(raw: str, qualifier: str | None, expected: Target) -> None:
    assert parse_function_name(raw, qualifier) == expected


def test_a_result_is_the_payload() -> None:
    response = invocation_response(Invocation("ok", "r-1", result={"statusCode": 200, "body": "{}"}))
    assert response.status_code == 200 and json.loads(response.body) == {"statusCode": 200, "body": "{}"}
    assert "x-amz-function-error" not in response.headers
    assert response.headers["x-amzn-requestid"] == "r-1" and response.headers["x-amz-executed-version"] == "$LATEST"


@pytest.mark.parametrize(("status", "error", "error_type"), [
    ("error", {"errorType": "RuntimeError", "errorMessage": "boom", "stackTrace": []}, "RuntimeError"),
    ("timeout", {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 3.00 seconds"},
     "Sandbox.Timedout"),
    ("crash", {"errorType": "Runtime.ExitError", "errorMessage": "exit 3"}, "Runtime.ExitError"),
    ("init_error", None, "Unhandled"),
])
def test_failures_are_function_errors_with_status_200(status: str, error: dict[str, object] | None,
                                                      error_type: str) -> None:
    response = invocation_response(Invocation(status, "r-2", error=error))
    assert response.status_code == 200 and response.headers["x-amz-function-error"] == "Unhandled"
    body = json.loads(response.body)
    assert body["errorType"] == error_type and body["requestId"] == "r-2" and "ok" not in body


def test_an_oversized_result_is_a_function_error() -> None:
    response = invocation_response(Invocation("ok", "r-3", result="x" * (MAX_PAYLOAD_BYTES + 1)))
    assert response.headers["x-amz-function-error"] == "Unhandled"
    assert json.loads(response.body)["errorType"] == "Function.ResponseSizeTooLarge"


@pytest.mark.parametrize(("headers", "body", "status", "error_type"), [
    ({}, b"{}", 403, "MissingAuthenticationTokenException"),
    ({"authorization": "Bearer x"}, b"{}", 403, "MissingAuthenticationTokenException"),
    (SIGNED, b"{not json", 400, "InvalidRequestContentException"),
    (SIGNED, b" " * (MAX_PAYLOAD_BYTES + 1), 413, "RequestTooLargeException"),
])
def test_refused_requests_in_the_shape_botocore_parses(headers: dict[str, str], body: bytes, status: int,
                                                       error_type: str) -> None:
    response = request_error(headers, body)
    assert response is not None and response.status_code == status
    assert response.headers["x-amzn-errortype"] == error_type
    assert json.loads(response.body)["Type"] == "User"


def test_a_signed_json_request_passes() -> None:
    assert request_error(SIGNED, b'{"version": "2.0"}') is None and request_error(SIGNED, b"") is None
