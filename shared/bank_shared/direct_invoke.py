"""The request one bank function sends another by invoking it directly (`lambda:InvokeFunction`).

The event is API Gateway's HTTP API payload 2.0 with the *caller's service identity* in
`requestContext.authorizer.jwt.claims`, so the callee's routes and `bank_shared.auth` dependencies work
unchanged, plus `requestContext.directInvoke`, a key API Gateway never sets: a request from the public API
can never carry it, so a function can tell a direct invoke from a request that came through API Gateway
(`direct_caller`). Only the bank's own function roles may invoke bank functions (IAM), which is why the
claims are not a signed token here; docs/service-to-service.md explains the trust model.

Kept free of heavy imports: every function imports this at cold start.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

DIRECT_INVOKE_KEY = "directInvoke"
SERVICE_ROLE = "service"
# No network peer stands behind a direct invoke; API Gateway always names one, so this never collides.
NO_SOURCE_IP = "0.0.0.0"  # noqa: S104 - a value in an event, not a socket bind


def service_claims(caller: str) -> dict[str, str]:
    """The caller's identity as API Gateway hands verified claims over (strings; lists as `[a b]`).

    The subject is the service's name, as in auth's client-credentials tokens, so idempotency scopes
    (`transfer:customer`, `exchange:fx`) and `initiated_by` records keep their values."""
    return {"sub": caller, "client_id": caller, "roles": f"[{SERVICE_ROLE}]", "token_use": SERVICE_ROLE}


def build_event(*, caller: str, service: str, function_name: str, method: str, path: str,
                query: Sequence[tuple[str, str]] = (), headers: Mapping[str, str] | None = None,
                body: str | None = None, request_id: str | None = None) -> dict[str, Any]:
    """A payload 2.0 event for `method /api/<service><path>`, as the caller `caller`."""
    raw_path = f"/api/{service}{path}"
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    lowered.setdefault("user-agent", f"bank-{caller}")
    now_ms = int(time.time() * 1000)
    route_key = f"ANY /api/{service}/{{proxy+}}"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": urlencode(list(query)),
        "headers": lowered,
    }
    if query:
        joined: dict[str, str] = {}
        for name, value in query:
            joined[name] = f"{joined[name]},{value}" if name in joined else value
        event["queryStringParameters"] = joined
    event["requestContext"] = {
        "accountId": "",
        "apiId": "direct",
        "authorizer": {"jwt": {"claims": service_claims(caller), "scopes": None}},
        DIRECT_INVOKE_KEY: {"caller": caller},
        "domainName": function_name,
        "domainPrefix": function_name,
        "http": {"method": method.upper(), "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": NO_SOURCE_IP,
                 "userAgent": lowered["user-agent"]},
        "requestId": request_id or str(uuid.uuid4()),
        "routeKey": route_key,
        "stage": "$default",
        "time": datetime.fromtimestamp(now_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": now_ms,
    }
    event["pathParameters"] = {"proxy": path.lstrip("/")}
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = False
    return event


def json_request_body(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def direct_caller(scope: Mapping[str, Any]) -> str | None:
    """The calling service when this ASGI request arrived by direct invoke, None when through API Gateway."""
    event = scope.get("aws.event")
    if not isinstance(event, dict):
        return None
    marker = (event.get("requestContext") or {}).get(DIRECT_INVOKE_KEY)
    caller = marker.get("caller") if isinstance(marker, dict) else None
    return caller if isinstance(caller, str) and caller else None
