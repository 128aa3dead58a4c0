"""A Lambda context and API Gateway HTTP API (payload v2) events, for driving real handlers in-process."""

from __future__ import annotations

import base64
import json
from typing import Any


class Context:
    function_name = "demo"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-central-1:000000000000:function:demo"
    memory_limit_in_mb = 512
    aws_request_id = "req-1"
    log_group_name = "/aws/lambda/demo"
    log_stream_name = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def http_event(method: str, path: str, body: Any = None, claims: dict[str, str] | None = None,
               headers: dict[str, str] | None = None) -> dict[str, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    request_context: dict[str, Any] = {
        "accountId": "000000000000", "apiId": "local", "domainName": "127.0.0.1", "domainPrefix": "127",
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                 "userAgent": "pytest"},
        "requestId": "gw-request-1", "routeKey": "ANY /api/demo/{proxy+}", "stage": "$default",
        "time": "26/Nov/2026:10:00:00 +0000", "timeEpoch": 1795600000000,
    }
    if claims is not None:
        request_context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {
        "version": "2.0", "routeKey": "ANY /api/demo/{proxy+}", "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "127.0.0.1:3000", **(headers or {})},
        "requestContext": request_context,
        "body": base64.b64encode(raw).decode(), "isBase64Encoded": True,
    }
