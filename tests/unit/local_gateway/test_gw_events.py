"""Payload v2 events and responses, scheduled events and MSK batches in AWS's documented shapes."""

from __future__ import annotations

import base64
import json

import pytest

from local_gateway.events import (
    HttpEventContext,
    HttpRequest,
    InvalidResponse,
    KafkaRecord,
    build_http_event,
    build_msk_event,
    build_msk_failure_record,
    build_scheduled_event,
    parse_http_response,
)

# Keys of `sam local generate-event apigateway http-api-proxy` (payload format 2.0).
V2_TOP_KEYS = {"version", "routeKey", "rawPath", "rawQueryString", "cookies", "headers", "queryStringParameters",
               "requestContext", "body", "pathParameters", "isBase64Encoded"}
V2_CONTEXT_KEYS = {"accountId", "apiId", "authorizer", "domainName", "domainPrefix", "http", "requestId", "routeKey",
                   "stage", "time", "timeEpoch"}


def _event(body: bytes = b'{"a": 1}', content_type: str = "application/json", authorizer=None) -> dict:
    request = HttpRequest(
        method="post",
        raw_path="/api/ledger/transfers",
        raw_query="limit=5&tag=a&tag=b",
        headers=[("Host", "127.0.0.1:3000"), ("Content-Type", content_type), ("X-Multi", "1"), ("x-multi", "2"),
                 ("Cookie", "sid=abc; theme=dark"), ("User-Agent", "pytest")],
        body=body,
        source_ip="10.0.0.7",
    )
    ctx = HttpEventContext(route_key="ANY /api/ledger/{proxy+}", path_parameters={"proxy": "transfers"},
                           request_id="req-1", api_id="httpapi", authorizer=authorizer,
                           time_epoch_ms=1583348638390)
    return build_http_event(request, ctx)


def test_http_event_shape() -> None:
    claims = {"jwt": {"claims": {"sub": "u1"}, "scopes": None}}
    event = _event(authorizer=claims)
    assert set(event) == V2_TOP_KEYS
    assert set(event["requestContext"]) == V2_CONTEXT_KEYS
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "ANY /api/ledger/{proxy+}"
    assert event["rawQueryString"] == "limit=5&tag=a&tag=b"
    assert event["queryStringParameters"] == {"limit": "5", "tag": "a,b"}
    assert event["cookies"] == ["sid=abc", "theme=dark"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-multi"] == "1,2"
    assert all(k == k.lower() for k in event["headers"])
    assert event["pathParameters"] == {"proxy": "transfers"}
    ctx = event["requestContext"]
    assert ctx["http"] == {"method": "POST", "path": "/api/ledger/transfers", "protocol": "HTTP/1.1",
                           "sourceIp": "10.0.0.7", "userAgent": "pytest"}
    assert ctx["stage"] == "$default"
    assert ctx["time"] == "04/Mar/2020:19:03:58 +0000"
    assert ctx["timeEpoch"] == 1583348638390
    assert ctx["authorizer"] == claims
    assert event["body"] == '{"a": 1}' and event["isBase64Encoded"] is False


def test_binary_body_is_base64_and_absent_parts_are_omitted() -> None:
    event = _event(body=b"\x00\xffbin", content_type="application/octet-stream")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xffbin"
    assert "authorizer" not in event["requestContext"]
    empty = _event(body=b"")
    assert "body" not in empty and empty["isBase64Encoded"] is False


def test_response_with_status_code() -> None:
    response = parse_http_response({
        "statusCode": 201, "headers": {"Content-Type": "application/json", "X-Flag": True},
        "cookies": ["a=1", "b=2"], "body": base64.b64encode(b"\x01\x02").decode(), "isBase64Encoded": True,
    })
    assert response.status == 201
    assert ("content-type", "application/json") in response.headers
    assert ("x-flag", "true") in response.headers
    assert [v for k, v in response.headers if k == "set-cookie"] == ["a=1", "b=2"]
    assert response.body == b"\x01\x02"


def test_response_without_status_code_is_json_body() -> None:
    response = parse_http_response({"hello": "world"})
    assert response.status == 200
    assert json.loads(response.body) == {"hello": "world"}
    assert parse_http_response("plain").body == b"plain"


@pytest.mark.parametrize("bad", [{"statusCode": "abc"}, {"statusCode": 99}, {"statusCode": 200, "body": "%%",
                                                                              "isBase64Encoded": True}])
def test_invalid_responses(bad: dict) -> None:
    with pytest.raises(InvalidResponse):
        parse_http_response(bad)


def test_scheduled_event_shape() -> None:
    event = build_scheduled_event("Sweeper", "Every", "eu-central-1")
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["detail"] == {}
    assert event["resources"] == ["arn:aws:events:eu-central-1:123456789012:rule/SweeperEvery"]
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources",
                          "detail"}


RECORDS = [
    KafkaRecord("user.registered", 0, 15, 1545084650987, "CREATE_TIME", b"key-1", b"hello", [("h", b"ab")]),
    KafkaRecord("user.registered", 0, 16, 1545084650988, "CREATE_TIME", None, b"world", []),
    KafkaRecord("user.registered", 1, 3, 1545084650990, "LOG_APPEND_TIME", b"k", None, []),
]


def test_msk_event_shape() -> None:
    event = build_msk_event(RECORDS, "arn:aws:kafka:eu-central-1:123456789012:cluster/c/1", "b1:9092")
    assert event["eventSource"] == "aws:kafka"
    assert event["eventSourceArn"] == "arn:aws:kafka:eu-central-1:123456789012:cluster/c/1"
    assert event["bootstrapServers"] == "b1:9092"
    assert set(event["records"]) == {"user.registered-0", "user.registered-1"}
    first = event["records"]["user.registered-0"][0]
    assert first == {
        "topic": "user.registered", "partition": 0, "offset": 15, "timestamp": 1545084650987,
        "timestampType": "CREATE_TIME", "key": base64.b64encode(b"key-1").decode(),
        "value": base64.b64encode(b"hello").decode(), "headers": [{"h": [97, 98]}],
    }
    assert "key" not in event["records"]["user.registered-0"][1]
    assert event["records"]["user.registered-1"][0]["timestampType"] == "LOG_APPEND_TIME"


def test_msk_failure_record() -> None:
    record = build_msk_failure_record(RECORDS, "arn:cluster", "b1:9092", "arn:fn", 3, "Unhandled", 1234)
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"]["functionError"] == "Unhandled"
    info = record["KafkaBatchInfo"]
    assert info["batchSize"] == 3 and info["payloadSize"] == 1234
    part0 = info["recordsInfo"]["user.registered-0"]
    assert (part0["firstRecordOffset"], part0["lastRecordOffset"]) == ("15", "16")
    assert part0["firstRecordTimestamp"] == "2018-12-17T22:10:50.987Z"
