"""The shared Redis rate limiter: rules from configuration, per-subject or per-IP identity, 429 problems."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from auth_service.rate_limits import AUTH_RATE_LIMITS
from bank_shared.ratelimit import (
    Limit,
    RateLimiter,
    RateLimitMiddleware,
    RateLimitSettings,
    caller_identity,
)


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_app(settings: RateLimitSettings, redis: Any, clock: Clock) -> FastAPI:
    app = FastAPI()

    @app.get("/api/demo/things")
    def things() -> dict[str, str]:
        return {"ok": "yes"}

    @app.post("/api/auth/login")
    def login() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/api/demo/health")
    def health() -> dict[str, str]:
        return {"ok": "yes"}

    limiter = RateLimiter(settings.rules(AUTH_RATE_LIMITS.rules), lambda: redis, clock)
    app.add_middleware(RateLimitMiddleware, limiter=limiter, enabled=True)
    return app


def test_limits_parse_and_reject_nonsense() -> None:
    assert Limit.parse("5/10") == Limit(5, 10)
    with pytest.raises(ValueError):
        Limit.parse("0/10")


def test_rules_come_from_configuration_and_tighter_auth_rules_win() -> None:
    settings = RateLimitSettings(rate_limit_default="100/60",
                                 rate_limit_rules=json.dumps({"POST /api/auth/login": "3/60"}))
    limiter = RateLimiter(settings.rules(AUTH_RATE_LIMITS.rules), lambda: None)
    assert limiter.rule_for("POST", "/api/auth/login").limit == Limit(3, 60)
    assert limiter.rule_for("POST", "/api/auth/register").limit.requests < 100
    assert limiter.rule_for("GET", "/api/ledger/x").limit == Limit(100, 60)


def test_disabled_by_default_only_in_the_test_environment() -> None:
    assert RateLimitSettings(app_env="test").enabled is False
    assert RateLimitSettings(app_env="local").enabled is True
    assert RateLimitSettings(app_env="test", rate_limit_enabled=True).enabled is True


def test_anonymous_callers_are_limited_per_ip_with_429_and_retry_after(redis: Any) -> None:
    clock = Clock()
    settings = RateLimitSettings(rate_limit_rules=json.dumps({"POST /api/auth/login": "3/60"}))
    client = TestClient(make_app(settings, redis, clock))
    codes = [client.post("/api/auth/login").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    blocked = client.post("/api/auth/login")
    assert blocked.headers["content-type"] == "application/problem+json"
    assert blocked.json()["code"] == "rate_limited"
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    clock.now += 61
    assert client.post("/api/auth/login").status_code == 200


def test_health_is_never_limited(redis: Any) -> None:
    settings = RateLimitSettings(rate_limit_default="1/60")
    client = TestClient(make_app(settings, redis, Clock()))
    assert [client.get("/api/demo/health").status_code for _ in range(3)] == [200, 200, 200]


def test_identity_is_the_subject_when_a_token_was_verified() -> None:
    with_token = {"aws.event": {"requestContext": {"authorizer": {"jwt": {"claims": {"sub": "u-1"}}},
                                                   "http": {"sourceIp": "10.0.0.1"}}}}
    anonymous = {"aws.event": {"requestContext": {"http": {"sourceIp": "10.0.0.1"}}}}
    assert caller_identity(with_token).startswith("sub:")
    assert "u-1" not in caller_identity(with_token)
    assert caller_identity(anonymous) == "ip:10.0.0.1"
    assert caller_identity({"client": ("1.2.3.4", 5)}) == "ip:1.2.3.4"


def test_each_subject_has_its_own_budget(redis: Any) -> None:
    settings = RateLimitSettings(rate_limit_default="2/60")
    limiter = RateLimiter(settings.rules(), lambda: redis, Clock())
    rule = limiter.rule_for("GET", "/api/demo/things")
    assert [limiter.hit(rule, "sub:a").allowed for _ in range(3)] == [True, True, False]
    assert limiter.hit(rule, "sub:b").allowed


def test_service_clients_have_a_budget_of_their_own(redis: Any) -> None:
    settings = RateLimitSettings(rate_limit_default="1/60", rate_limit_service="3/60")
    limiter = RateLimiter(settings.rules(), lambda: redis, Clock(), service_rule=settings.service_rule())
    app = FastAPI()

    @app.get("/api/demo/things")
    def things() -> dict[str, str]:
        return {"ok": "yes"}

    app.add_middleware(RateLimitMiddleware, limiter=limiter, enabled=True)
    client = TestClient(_gateway_claims_from_header(app))

    def as_caller(roles: str) -> int:
        return client.get("/api/demo/things", headers={"x-test-roles": roles}).status_code

    assert [as_caller("[service]") for _ in range(4)] == [200, 200, 200, 429]
    assert [as_caller("[customer]") for _ in range(2)] == [200, 429]


def _gateway_claims_from_header(app: Any) -> Any:
    """Stands in for API Gateway: puts verified claims (one subject, roles from a header) in the event."""
    async def with_event(scope: Any, receive: Any, send: Any) -> None:
        roles = dict(scope.get("headers", [])).get(b"x-test-roles", b"").decode()
        event = {"requestContext": {"authorizer": {"jwt": {"claims": {"sub": "one-client", "roles": roles}}},
                                    "http": {"sourceIp": "10.0.0.1"}}}
        await app({**scope, "aws.event": event}, receive, send)

    return with_event


def test_an_unreachable_redis_fails_open() -> None:
    def broken() -> Any:
        raise ConnectionError("redis is down")

    app = FastAPI()

    @app.get("/x")
    def x() -> dict[str, str]:
        return {}

    app.add_middleware(RateLimitMiddleware, limiter=RateLimiter(RateLimitSettings().rules(), broken),
                       enabled=True)
    assert TestClient(app).get("/x").status_code == 200


def test_an_unreachable_redis_fails_closed_for_anonymous_mail_and_password_routes() -> None:
    """Without its counters nothing would stop mass registration or mail bombing: 503 + Retry-After."""
    def broken() -> Any:
        raise ConnectionError("redis is down")

    app = FastAPI()

    @app.post("/api/auth/register")
    def register() -> dict[str, str]:
        return {}

    @app.post("/api/auth/password/forgot")
    def forgot() -> dict[str, str]:
        return {}

    @app.post("/api/auth/token")
    def token() -> dict[str, str]:
        return {}

    app.add_middleware(RateLimitMiddleware, limiter=RateLimiter(RateLimitSettings().rules(), broken),
                       enabled=True, policy=AUTH_RATE_LIMITS)
    client = TestClient(app)
    for path in ("/api/auth/register", "/api/auth/password/forgot"):
        refused = client.post(path)
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "rate_limiter_unavailable" and refused.headers["Retry-After"] == "5"
    assert client.post("/api/auth/token").status_code == 200  # service clients keep working
