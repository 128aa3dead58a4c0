"""Per-caller rate limiting in Redis, shared by every service through `create_app`.

The caller is the token's subject when the gateway verified one, otherwise the client IP the gateway saw
(`requestContext.http.sourceIp`, which a client cannot forge). Each rule is a fixed window counter
(`INCR` + `EXPIRE NX` in one round trip); a request over the limit gets a 429 problem with `Retry-After`.

Limits are configuration: `RATE_LIMIT_DEFAULT` (e.g. `120/60` = 120 requests per 60 s) and
`RATE_LIMIT_RULES`, a JSON object of `"METHOD /path/prefix": "N/SECONDS"` overriding the built-in
tighter limits for login, register and friends. Service clients (role `service`, client-credentials
tokens) act for many customers at once, so they get a budget of their own, `RATE_LIMIT_SERVICE`, instead
of sharing one customer's; the customer-facing entry points limit each customer. `RATE_LIMIT_ENABLED`
switches it off (off by default only when APP_ENV=test, so unit tests never touch Redis).

If Redis is unreachable the limiter fails OPEN for signed-in callers and service clients: their limits
protect capacity, not money (the ledger's rules live in PostgreSQL), and a cache outage must not take the
bank down. It fails CLOSED (503 `rate_limiter_unavailable`, Retry-After) for the anonymous routes that send
mail or hash passwords on behalf of anyone (`FAIL_CLOSED_PREFIXES`): without their counters nothing would
stop mass registration or mail bombing. Sign-in itself fails closed in auth's own throttle; the token
endpoint (service clients) stays open so service-to-service calls keep working.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Receive, Scope, Send

from bank_shared.errors import TooManyRequests, problem, problem_response

KEY_PREFIX = "rl"
FAIL_CLOSED_PREFIXES = ("/api/auth/register", "/api/auth/activation/resend", "/api/auth/password/")
UNAVAILABLE_RETRY_AFTER = "5"
EXEMPT_SUFFIXES = ("/health", "/.well-known/jwks.json", "/.well-known/openid-configuration")
# Per caller (IP for these anonymous routes). The per-address lockout in auth is the real brute-force
# defence; these keep one client from hammering the expensive (argon2) endpoints.
DEFAULT_RULES: dict[str, str] = {
    "POST /api/auth/login": "60/60",
    "POST /api/auth/register": "30/60",
    "POST /api/auth/activation/resend": "10/60",
    "POST /api/auth/password/forgot": "10/60",
    "POST /api/auth/password/reset": "30/60",
    "POST /api/auth/password/change": "10/60",  # per signed-in user; argon2 twice per call
    "POST /api/auth/mfa/": "30/60",
    "POST /api/auth/token": "60/60",
}


@dataclass(frozen=True)
class Limit:
    requests: int
    window_seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """`N/SECONDS`, e.g. `120/60`."""
        count, _, window = text.strip().partition("/")
        limit = cls(int(count), int(window or "60"))
        if limit.requests < 1 or limit.window_seconds < 1:
            raise ValueError(f"invalid rate limit {text!r}")
        return limit


@dataclass(frozen=True)
class Rule:
    name: str
    method: str
    path_prefix: str
    limit: Limit

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and path.startswith(self.path_prefix)


class RateLimitSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    app_env: str = "local"
    rate_limit_enabled: bool | None = None
    rate_limit_default: str = "120/60"
    rate_limit_service: str = "6000/60"
    rate_limit_rules: str = Field(default="", description="JSON object: 'METHOD /prefix' -> 'N/SECONDS'")

    @property
    def enabled(self) -> bool:
        return self.rate_limit_enabled if self.rate_limit_enabled is not None else self.app_env != "test"

    def rules(self) -> list[Rule]:
        """The specific rules (longest prefix first), then the catch-all default."""
        configured: dict[str, str] = dict(DEFAULT_RULES)
        if self.rate_limit_rules.strip():
            configured.update(json.loads(self.rate_limit_rules))
        rules = [_rule(key, value) for key, value in configured.items()]
        rules.sort(key=lambda rule: len(rule.path_prefix), reverse=True)
        return [*rules, Rule("default", "*", "/", Limit.parse(self.rate_limit_default))]

    def service_rule(self) -> Rule:
        return Rule("service", "*", "/", Limit.parse(self.rate_limit_service))


def _rule(key: str, value: str) -> Rule:
    method, _, prefix = key.strip().partition(" ")
    if not prefix.startswith("/"):
        raise ValueError(f"rate limit rule {key!r} must be 'METHOD /path/prefix'")
    return Rule(name=key.strip(), method=method.upper(), path_prefix=prefix.strip(), limit=Limit.parse(value))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int


class RateLimiter:
    """Fixed-window counters; `redis_factory` returns a redis-py compatible client."""

    def __init__(self, rules: list[Rule], redis_factory: Callable[[], Any],
                 clock: Callable[[], float] = time.time, service_rule: Rule | None = None) -> None:
        self.rules = rules
        self.service_rule = service_rule or RateLimitSettings().service_rule()
        self._redis_factory = redis_factory
        self._clock = clock

    def rule_for(self, method: str, path: str) -> Rule:
        return next(rule for rule in self.rules if rule.matches(method, path))

    def hit(self, rule: Rule, identity: str) -> Decision:
        now = self._clock()
        window = rule.limit.window_seconds
        bucket = int(now // window)
        key = f"{KEY_PREFIX}:{_digest(rule.name)}:{identity}:{bucket}"
        pipe = self._redis_factory().pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, window + 1, nx=True)
        count = int(pipe.execute()[0])
        retry_after = max(1, int((bucket + 1) * window - now + 0.999))
        allowed = count <= rule.limit.requests
        return Decision(allowed, max(0, rule.limit.requests - count), 0 if allowed else retry_after)


def spend_budget(name: str, identity: str, limit: Limit, redis_factory: Callable[[], Any] | None = None) -> None:
    """One unit of a named per-caller budget inside a route (e.g. recipient lookups per customer), with the
    same fixed windows as the middleware: 429 `rate_limited` with Retry-After when spent. Fails open when
    Redis is unreachable, like the middleware (the callers' own checks still hold)."""
    limiter = RateLimiter([], redis_factory or _default_redis, service_rule=Rule(name, "*", "/", limit))
    try:
        decision = limiter.hit(Rule(name, "*", "/", limit), identity)
    except Exception:  # noqa: BLE001 - an unreachable Redis must not take the API down
        from bank_shared.observability import logger

        logger.warning("budget unavailable; request allowed", extra={"budget": name})
        return
    if not decision.allowed:
        from bank_shared.observability import count

        count("RateLimited", rule=name)
        raise TooManyRequests(f"Too many attempts; retry in {decision.retry_after} s",
                              headers={"Retry-After": str(decision.retry_after)})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _claims(scope: Scope) -> dict[str, Any]:
    event: dict[str, Any] = scope.get("aws.event") or {}
    context = event.get("requestContext") or {}
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    return claims if isinstance(claims, dict) else {}


def is_service_caller(scope: Scope) -> bool:
    from bank_shared.auth import SERVICE, parse_claim_list

    return SERVICE in parse_claim_list(_claims(scope).get("roles"))


def caller_identity(scope: Scope) -> str:
    """`sub:<subject>` for a verified token, else `ip:<source ip>`."""
    event: dict[str, Any] = scope.get("aws.event") or {}
    context = event.get("requestContext") or {}
    claims = _claims(scope)
    if claims.get("sub"):
        return "sub:" + _digest(str(claims["sub"]))
    source_ip = (context.get("http") or {}).get("sourceIp")
    if not source_ip:
        client = scope.get("client")
        source_ip = client[0] if client else "unknown"
    return f"ip:{source_ip}"


class RateLimitMiddleware:
    """ASGI middleware: counts every HTTP request except health/discovery and answers 429 when over."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter | None = None, enabled: bool | None = None) -> None:
        self.app = app
        settings = RateLimitSettings()
        self.enabled = settings.enabled if enabled is None else enabled
        self.limiter = limiter or RateLimiter(settings.rules(), _default_redis, service_rule=settings.service_rule())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled or _exempt(scope):
            await self.app(scope, receive, send)
            return
        if is_service_caller(scope):
            rule = self.limiter.service_rule
        else:
            rule = self.limiter.rule_for(scope["method"], scope["path"])
        decision = self._decide(rule, caller_identity(scope))
        if decision is None and str(scope["path"]).startswith(FAIL_CLOSED_PREFIXES):
            body = problem(503, "rate_limiter_unavailable", "Temporarily unavailable",
                           "This request cannot be accepted right now; retry shortly", scope["path"])
            headers = {"Retry-After": UNAVAILABLE_RETRY_AFTER}
            await problem_response(body, headers)(scope, receive, send)
            return
        if decision is not None and not decision.allowed:
            from bank_shared.observability import count

            count("RateLimited", rule=rule.name)
            body = problem(429, "rate_limited", "Too many requests",
                           f"Rate limit exceeded; retry in {decision.retry_after} s", scope["path"])
            headers = {"Retry-After": str(decision.retry_after), "RateLimit-Remaining": "0"}
            await problem_response(body, headers)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _decide(self, rule: Rule, identity: str) -> Decision | None:
        try:
            return self.limiter.hit(rule, identity)
        except Exception:  # noqa: BLE001 - an unreachable Redis: the caller decides open or closed
            from bank_shared.observability import logger

            logger.warning("rate limiter unavailable", extra={"rule": rule.name})
            return None


def _exempt(scope: Scope) -> bool:
    return scope["method"] == "OPTIONS" or str(scope["path"]).endswith(EXEMPT_SUFFIXES)


def _default_redis() -> Any:
    from bank_shared.redis_client import get_redis

    return get_redis()
