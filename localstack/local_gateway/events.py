"""Event and response shapes exactly as AWS produces/consumes them.

- HTTP API payload format 2.0 (request event + response interpretation)
- EventBridge scheduled events
- MSK event source mapping batches and their on-failure records
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from .intrinsics import ACCOUNT_ID

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
               "application/x-www-form-urlencoded", "+json", "+xml", "application/graphql")


@dataclass
class HttpRequest:
    method: str
    raw_path: str
    raw_query: str
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


@dataclass
class HttpEventContext:
    route_key: str
    path_parameters: Mapping[str, str]
    request_id: str
    api_id: str = "local"
    authorizer: dict[str, Any] | None = None  # {"jwt": {"claims": ..., "scopes": ...}}
    time_epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))


def is_text_content(content_type: str | None) -> bool:
    if not content_type:
        return False
    lowered = content_type.lower()
    return any(marker in lowered for marker in _TEXT_TYPES)


def _join_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-case names; repeated headers are comma-joined as HTTP API does."""
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _query_parameters(raw_query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        params[key] = f"{params[key]},{value}" if key in params else value
    return params


def _encode_body(body: bytes, content_type: str | None) -> tuple[str | None, bool]:
    if not body:
        return None, False
    if is_text_content(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def format_request_time(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def build_http_event(request: HttpRequest, ctx: HttpEventContext) -> dict[str, Any]:
    headers = _join_headers(request.headers)
    cookie_header = headers.pop("cookie", None)
    host = headers.get("host", "localhost").split(":")[0]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": ctx.route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
    }
    if cookie_header:
        event["cookies"] = [c.strip() for c in cookie_header.replace(",", ";").split(";") if c.strip()]
    event["headers"] = headers
    query = _query_parameters(request.raw_query)
    if query:
        event["queryStringParameters"] = query
    request_context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": ctx.api_id,
    }
    if ctx.authorizer is not None:
        request_context["authorizer"] = ctx.authorizer
    request_context.update({
        "domainName": host,
        "domainPrefix": host.split(".")[0],
        "http": {
            "method": request.method.upper(),
            "path": request.raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": ctx.request_id,
        "routeKey": ctx.route_key,
        "stage": "$default",
        "time": format_request_time(ctx.time_epoch_ms),
        "timeEpoch": ctx.time_epoch_ms,
    })
    event["requestContext"] = request_context
    body, encoded = _encode_body(request.body, headers.get("content-type"))
    if body is not None:
        event["body"] = body
    if ctx.path_parameters:
        event["pathParameters"] = dict(ctx.path_parameters)
    event["isBase64Encoded"] = encoded
    return event


# --- responses --------------------------------------------------------------------------------


class InvalidResponse(ValueError):
    """The function returned something API Gateway would answer with a 500."""


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def parse_http_response(result: Any) -> HttpResponse:
    """Interpret a handler's return value with payload 2.0 rules."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # No statusCode: the whole result is the JSON body with 200 (strings pass through).
        body = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, [("content-type", "application/json")], body.encode("utf-8"))
    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError) as exc:
        raise InvalidResponse("statusCode is not an integer") from exc
    if not 100 <= status <= 599:
        raise InvalidResponse(f"statusCode {status} out of range")
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name).lower(), _header_value(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name).lower(), _header_value(v)) for v in values or [])
    headers.extend(("set-cookie", str(cookie)) for cookie in result.get("cookies") or [])
    return HttpResponse(status, headers, _response_body(result))


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _response_body(result: Mapping[str, Any]) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        body = json.dumps(body)
    if result.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except ValueError as exc:
            raise InvalidResponse("body is not valid base64") from exc
    return body.encode("utf-8")


# --- schedules --------------------------------------------------------------------------------


def build_scheduled_event(function_id: str, event_name: str, region: str, kind: str = "Schedule",
                          now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    if kind == "ScheduleV2":
        resource = f"arn:aws:scheduler:{region}:{ACCOUNT_ID}:schedule/default/{function_id}{event_name}"
        source = "aws.scheduler"
    else:
        resource = f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{function_id}{event_name}"
        source = "aws.events"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": source,
        "account": ACCOUNT_ID,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [resource],
        "detail": {},
    }


# --- MSK --------------------------------------------------------------------------------------


@dataclass
class KafkaRecord:
    topic: str
    partition: int
    offset: int
    timestamp: int
    timestamp_type: str  # CREATE_TIME | LOG_APPEND_TIME
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes | None]] = ()


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def msk_record(record: KafkaRecord) -> dict[str, Any]:
    shaped: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp,
        "timestampType": record.timestamp_type,
    }
    if record.key is not None:
        shaped["key"] = _b64(record.key)
    shaped["value"] = _b64(record.value) if record.value is not None else None
    # Lambda sends each header value as the list of its byte values.
    shaped["headers"] = [{name: list(value or b"")} for name, value in record.headers]
    return shaped


def build_msk_event(records: Sequence[KafkaRecord], stream_arn: str, bootstrap: str) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault(f"{record.topic}-{record.partition}", []).append(msk_record(record))
    return {
        "eventSource": "aws:kafka",
        "eventSourceArn": stream_arn,
        "bootstrapServers": bootstrap,
        "records": grouped,
    }


def _iso_ms(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def build_msk_failure_record(records: Sequence[KafkaRecord], stream_arn: str, bootstrap: str,
                             function_arn: str, attempts: int, function_error: str,
                             payload_size: int) -> dict[str, Any]:
    """The on-failure destination message Lambda sends for a Kafka batch it gave up on."""
    info: dict[str, dict[str, str]] = {}
    for record in records:
        key = f"{record.topic}-{record.partition}"
        entry = info.setdefault(key, {
            "firstRecordOffset": str(record.offset),
            "firstRecordTimestamp": _iso_ms(record.timestamp),
        })
        entry["lastRecordOffset"] = str(record.offset)
        entry["lastRecordTimestamp"] = _iso_ms(record.timestamp)
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": attempts,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": function_error,
        },
        "version": "1.0",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "KafkaBatchInfo": {
            "batchSize": len(records),
            "eventSourceArn": stream_arn,
            "bootstrapServers": bootstrap,
            "payloadSize": payload_size,
            "recordsInfo": info,
        },
    }
