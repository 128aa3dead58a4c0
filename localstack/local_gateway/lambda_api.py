"""The AWS Lambda Invoke API on the gateway's port, so a boto3 `lambda` client whose endpoint is the gateway
runs a function as `lambda:InvokeFunction` does in AWS, in the same warm worker pools as the HTTP API.

`POST /2015-03-31/functions/{FunctionName}/invocations` with the function's name, partial or full ARN
(no qualifier or `$LATEST`), and `X-Amz-Invocation-Type`:

- RequestResponse (default): 200 with the handler's JSON result; when the handler raised, timed out or its
  worker died, 200 with `X-Amz-Function-Error: Unhandled` and the error object (errorMessage, errorType,
  stackTrace), as Lambda answers;
- Event: 202 at once, the function runs in the background (once: Lambda's two asynchronous retries and
  destinations are not emulated);
- DryRun: 204.

`X-Amz-Log-Type: Tail` is accepted but no log tail is returned (function logs go to the gateway's log).

Errors come in the shape botocore parses into its modelled exceptions (`x-amzn-ErrorType` plus a JSON body
with `Type` and `message`): 404 ResourceNotFoundException (unknown function or qualifier), 400
InvalidRequestContentException (not JSON), 413 RequestTooLargeException (over 6 MB), 403
MissingAuthenticationTokenException for a request without a SigV4 Authorization header. Signatures are not
verified: there is no IAM locally, the port listens on the loopback interface only.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from .intrinsics import ACCOUNT_ID
from .workers import Invocation

INVOKE_PATH = "/2015-03-31/functions/{name}/invocations"
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # synchronous invocation request and response limit
LATEST = "$LATEST"


@dataclass(frozen=True)
class Target:
    name: str
    qualifier: str | None


def parse_function_name(raw: str, qualifier: str | None = None) -> Target:
    """`name`, `name:qualifier`, `account:function:name[:q]` or `arn:aws:lambda:region:account:function:name[:q]`."""
    parts = raw.split(":")
    if parts[0] == "arn" and len(parts) >= 7 and parts[5] == "function":
        name, suffix = parts[6], parts[7:]
    elif len(parts) >= 3 and parts[1] == "function":
        name, suffix = parts[2], parts[3:]
    else:
        name, suffix = parts[0], parts[1:]
    return Target(name, qualifier or (suffix[0] if suffix else None))


def function_arn(name: str, region: str) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"


def error_response(status: int, error_type: str, message: str, **extra: Any) -> Response:
    """An Invoke API error as Lambda sends it (botocore reads the type from x-amzn-ErrorType)."""
    headers = {"x-amzn-ErrorType": error_type, "x-amzn-RequestId": str(uuid.uuid4())}
    return JSONResponse({"Type": "User", "message": message, **extra}, status, headers)


def is_signed(headers: dict[str, str]) -> bool:
    return headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 ")


def request_error(headers: dict[str, str], body: bytes) -> Response | None:
    """What Lambda refuses before running anything: unsigned, too large, not JSON."""
    if not is_signed(headers):
        return error_response(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    if len(body) > MAX_PAYLOAD_BYTES:
        message = f"Request must be smaller than {MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation"
        return error_response(413, "RequestTooLargeException", message)
    try:
        json.loads(body or b"{}")
    except ValueError as exc:
        return error_response(400, "InvalidRequestContentException", f"Could not parse request body into json: {exc}")
    return None


def invocation_response(outcome: Invocation) -> Response:
    """The RequestResponse answer for an invocation's outcome."""
    headers = {"x-amzn-RequestId": outcome.request_id, "X-Amz-Executed-Version": LATEST,
               "x-local-gateway-status": outcome.status}
    if outcome.ok:
        payload = json.dumps(outcome.result).encode("utf-8")
        if len(payload) <= MAX_PAYLOAD_BYTES:
            return Response(payload, 200, headers, media_type="application/json")
        error: dict[str, Any] = {"errorType": "Function.ResponseSizeTooLarge",
                                 "errorMessage": f"Response payload size ({len(payload)} bytes) exceeded maximum "
                                                 f"allowed payload size ({MAX_PAYLOAD_BYTES} bytes)."}
    else:
        error = {key: value for key, value in (outcome.error or {}).items() if key != "ok"}
        error.setdefault("errorType", "Unhandled")
        error.setdefault("errorMessage", outcome.status)
    headers["X-Amz-Function-Error"] = "Unhandled"
    return JSONResponse({**error, "requestId": outcome.request_id}, 200, headers)
