"""Real HTTP through the emulator: routing, JWT authorizer, worker lifecycle, CORS, SPA."""

from __future__ import annotations

import concurrent.futures
import json
import time
from typing import Any

import httpx


def _echo(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_health(client: httpx.Client) -> None:
    response = client.get("/__emulator/health")
    assert response.status_code == 200
    assert "Echo" in response.json()["functions"]


def test_public_route_gets_payload_v2_event(client: httpx.Client) -> None:
    response = client.get("/api/public/items/7?q=a&q=b", headers={"x-request-id": "req-abc", "cookie": "c=1"})
    body = _echo(response)
    event = body["event"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /api/public/items/{id}"
    assert event["pathParameters"] == {"id": "7"}
    assert event["queryStringParameters"] == {"q": "a,b"}
    assert event["cookies"] == ["c=1"]
    assert "authorizer" not in event["requestContext"]
    assert response.headers["apigw-requestid"] == event["requestContext"]["requestId"]
    assert response.headers["x-request-id"] == "req-abc"
    assert response.headers["x-echo"] == "1"
    assert response.headers["set-cookie"].startswith("echo=1")


def test_function_environment_and_context(client: httpx.Client) -> None:
    body = _echo(client.get("/api/public/env"))
    assert body["env_at_import"] == {"STAGE": "test", "GREETING": "hello-test-eu-central-1", "MODE": "relaxed",
                                     "ECHO_ONLY": "echo"}
    assert "NEEDS_DEPLOYMENT" not in body["env"]
    assert body["env"]["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert body["env"]["AWS_REGION"] == "eu-central-1"
    assert body["env"]["_HANDLER"] == "gwfix_echo.lambda_handler"
    assert body["context"]["function_name"] == "Echo"
    assert 0 < body["context"]["remaining_ms"] <= 5000


def test_raw_result_and_function_error(client: httpx.Client) -> None:
    assert client.get("/api/public/x?mode=raw").json() == {"raw": True, "path": "/api/public/x"}
    failed = client.get("/api/public/x?mode=error")
    assert failed.status_code == 500
    assert failed.json() == {"message": "Internal Server Error"}


def test_unknown_api_route(client: httpx.Client) -> None:
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_protected_route_rejects_missing_and_bad_tokens(client: httpx.Client, issuer: Any) -> None:
    missing = client.get("/api/private/me")
    assert missing.status_code == 401
    assert missing.json() == {"message": "Unauthorized"}
    assert "invalid_token" in missing.headers["www-authenticate"]
    for token in ("garbage", issuer.token(aud="other"), issuer.token(exp=int(time.time()) - 60),
                  issuer.token(kid="unknown")):
        response = client.get("/api/private/me", headers={"authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


def test_protected_route_with_valid_token(client: httpx.Client, issuer: Any) -> None:
    response = client.post("/api/private/me", headers={"authorization": f"Bearer {issuer.token()}"},
                           json={"x": 1})
    event = _echo(response)["event"]
    jwt_ctx = event["requestContext"]["authorizer"]["jwt"]
    assert jwt_ctx["claims"]["sub"] == "user-42"
    assert jwt_ctx["claims"]["roles"] == "[customer employee]"
    assert jwt_ctx["claims"]["exp"].isdigit()
    assert jwt_ctx["scopes"] == ["accounts:read"]
    assert json.loads(event["body"]) == {"x": 1}
    assert event["routeKey"] == "ANY /api/private/{proxy+}"


def test_crashed_worker_gives_502_then_recovers(client: httpx.Client) -> None:
    crashed = client.get("/api/crash?mode=crash")
    assert crashed.status_code == 502
    assert crashed.json() == {"message": "Internal Server Error"}
    recovered = client.get("/api/crash")
    assert recovered.status_code == 200
    assert recovered.text.startswith("alive")


def test_timeout_kills_the_worker(client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get("/api/slow")
    assert response.status_code in (503, 504)
    assert time.monotonic() - started < 4  # Timeout is 1 s; the handler sleeps 5 s


def test_warm_call_is_faster_than_cold(client: httpx.Client) -> None:
    started = time.perf_counter()
    first = _echo(client.get("/api/warm"))
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = _echo(client.get("/api/warm"))
    warm = time.perf_counter() - started
    assert first["pid"] == second["pid"]
    assert warm < cold


def test_concurrent_requests_use_more_workers(client: httpx.Client, emulator: Any) -> None:
    def call(_: int) -> tuple[int, float]:
        started = time.perf_counter()
        response = httpx.get(emulator.base_url + "/api/public/c?sleep=0.6", timeout=30)
        return _echo(response)["pid"], time.perf_counter() - started

    client.get("/api/public/warmup")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(pool.map(call, range(3)))
    assert len({pid for pid, _ in results}) == 3  # one invocation per worker at a time


def test_cors(client: httpx.Client) -> None:
    preflight = client.options("/api/private/me", headers={
        "origin": "http://spa.example", "access-control-request-method": "POST",
        "access-control-request-headers": "authorization"})
    assert preflight.status_code == 204  # answered by the gateway: no token needed
    assert preflight.headers["access-control-allow-origin"] == "http://spa.example"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-max-age"] == "600"
    simple = client.get("/api/public/x", headers={"origin": "http://spa.example"})
    assert simple.headers["access-control-allow-origin"] == "http://spa.example"
    assert simple.headers["access-control-expose-headers"] == "x-request-id"
    foreign = client.get("/api/public/x", headers={"origin": "http://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


def test_invoke_and_schedule_endpoints(client: httpx.Client) -> None:
    invoked = client.post("/__emulator/invoke/Echo", json={"queryStringParameters": {"mode": "raw"},
                                                           "rawPath": "/direct"})
    assert invoked.json() == {"raw": True, "path": "/direct"}
    failed = client.post("/__emulator/invoke/Echo", json={"queryStringParameters": {"mode": "error"}})
    assert failed.headers["x-amz-function-error"] == "Unhandled"
    assert failed.json()["errorType"] == "RuntimeError"
    assert client.post("/__emulator/invoke/Nope", json={}).status_code == 404
    ran = client.post("/__emulator/schedules/Ticker/run").json()
    assert ran["ticked"] is True
    assert ran["event"]["detail-type"] == "Scheduled Event"
    assert ran["event"]["source"] == "aws.events"


def test_spa(client: httpx.Client) -> None:
    assert "home" in client.get("/").text
    lk = client.get("/lk")
    assert lk.status_code == 200 and "lk" in lk.text
    assert lk.headers["content-type"].startswith("text/html")
    asset = client.get("/_next/static/chunks/app.js")
    assert "immutable" in asset.headers["cache-control"]
    assert client.get("/lk/unknown/route").status_code == 404  # the export's 404.html
    assert client.get("/missing.png").status_code == 404


def test_log_has_one_line_per_request(client: httpx.Client, emulator: Any) -> None:
    client.get("/api/public/logline", headers={"x-request-id": "log-check"})
    time.sleep(0.2)
    lines = [line for line in emulator.log_text().splitlines() if "GET /api/public/logline 200" in line]
    assert len(lines) == 1 and "fn=Echo" in lines[0] and "rid=" in lines[0]
    assert "[Echo] echo handled /api/public/logline" in emulator.log_text()


def test_issuer_served_by_the_emulator_itself(client: httpx.Client, issuer: Any, emulator: Any) -> None:
    # The keys come from a function behind this same emulator, as with the real auth service.
    token = issuer.token(iss=emulator.self_issuer)
    response = client.get("/api/self/me", headers={"authorization": f"Bearer {token}"})
    claims = _echo(response)["event"]["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["iss"] == emulator.self_issuer
    wrong = client.get("/api/self/me", headers={"authorization": f"Bearer {issuer.token()}"})
    assert wrong.status_code == 401  # signed right, but for the other issuer
