"""Cross-cutting hardening in bank_shared: revoked sessions (F6), the caller's route as a problem's `instance`
(F13), per-caller budgets inside routes (F11) and the schedule's retention step, through the real Lambda
entry point where it matters."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Annotated, Any

import fakeredis
import pytest
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from test_errors_and_app import Context, http_event

from bank_shared import app as app_module
from bank_shared import sessions
from bank_shared.app import create_app, lambda_entrypoint
from bank_shared.auth import CUSTOMER, Principal, require_roles
from bank_shared.errors import AppError
from bank_shared.http import Answer, relay
from bank_shared.ratelimit import Limit, spend_budget

router = APIRouter()
Payer = Annotated[Principal, Depends(require_roles(CUSTOMER, live=True))]
Reader = Annotated[Principal, Depends(require_roles(CUSTOMER))]


@router.post("/pay")
def pay(principal: Payer) -> dict[str, str]:
    return {"paid_by": principal.subject}


@router.get("/read")
def read(principal: Reader) -> dict[str, str]:
    return {"read_by": principal.subject}


@router.post("/relay/{status}")
def relayed(status: int, principal: Reader) -> JSONResponse:
    """A refusal another service answered, handed back as office and customer do."""
    return relay(Answer(status, {"type": "https://bank.example/problems/insufficient_funds", "status": status,
                                 "code": "insufficient_funds", "instance": "/api/ledger/internal/transfers"}))


app = create_app("demo", [router], health_checks={})
handler = lambda_entrypoint(app)


def invoke(event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    response = handler(event, Context())
    body = base64.b64decode(response["body"]).decode() if response.get("isBase64Encoded") else response["body"]
    return response["statusCode"], response["headers"], json.loads(body) if body else None
SESSION = {"sub": "user-1", "roles": "[customer]", "aud": "bank-api", "sid": "family-1"}


@pytest.fixture
def redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[fakeredis.FakeRedis]:
    fake = fakeredis.FakeRedis(decode_responses=True)
    monkeypatch.setattr(sessions, "_default_redis", lambda: fake)
    yield fake


# ------------------------------------------------------------------------------------------ F6


def test_a_revoked_session_cannot_move_money_at_once(redis: fakeredis.FakeRedis) -> None:
    assert invoke(http_event("POST", "/api/demo/pay", claims=SESSION))[0] == 200
    assert sessions.revoke_sessions(["family-1", "family-1"], token_ttl_seconds=900) == 1
    status, headers, body = invoke(http_event("POST", "/api/demo/pay", claims=SESSION))
    assert (status, body["code"]) == (401, "session_revoked")
    assert headers["content-type"] == "application/problem+json"
    # the revocation outlives every access token of that session (lifetime + clock skew)
    assert 900 < redis.ttl(sessions.KEY_PREFIX + "family-1") <= 900 + sessions.CLOCK_SKEW_SECONDS
    # another session of the same user, and routes that do not ask for a live session, are unaffected
    assert invoke(http_event("POST", "/api/demo/pay", claims={**SESSION, "sid": "family-2"}))[0] == 200
    assert invoke(http_event("GET", "/api/demo/read", claims=SESSION))[0] == 200


def test_service_tokens_have_no_session_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "_default_redis", lambda: pytest.fail("no session, no lookup"))
    claims = {"sub": "user-1", "roles": "[customer]", "aud": "bank-api"}
    assert invoke(http_event("POST", "/api/demo/pay", claims=claims))[0] == 200


def test_an_unreachable_redis_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down:
        def exists(self, _key: str) -> int:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(sessions, "_default_redis", Down)
    status, headers, body = invoke(http_event("POST", "/api/demo/pay", claims=SESSION))
    assert (status, body["code"], headers["retry-after"]) == (503, "dependency_unavailable", "1")


# ------------------------------------------------------------------------------------------ F13


def test_a_relayed_problem_names_the_route_the_caller_called() -> None:
    status, headers, body = invoke(http_event("POST", "/api/demo/relay/422", claims=SESSION | {"sid": ""}))
    assert (status, body["code"]) == (422, "insufficient_funds")
    assert body["instance"] == "/api/demo/relay/422"
    assert int(headers["content-length"]) == len(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())


def test_own_problems_and_plain_answers_keep_their_shape() -> None:
    status, _, body = invoke(http_event("GET", "/api/demo/nowhere", claims=SESSION | {"sid": ""}))
    assert (status, body["instance"]) == (404, "/api/demo/nowhere")
    assert invoke(http_event("GET", "/api/demo/read", claims=SESSION | {"sid": ""}))[2] == {"read_by": "user-1"}


# ------------------------------------------------------------------------------------------ F11 budgets


def test_a_named_budget_is_spent_per_caller_and_fails_open() -> None:
    fake = fakeredis.FakeRedis(decode_responses=True)
    for _ in range(2):
        spend_budget("lookups", "sub:a", Limit(2, 3600), lambda: fake)
    with pytest.raises(AppError) as raised:
        spend_budget("lookups", "sub:a", Limit(2, 3600), lambda: fake)
    assert raised.value.code == "rate_limited" and int(raised.value.headers["Retry-After"]) > 0
    spend_budget("lookups", "sub:b", Limit(2, 3600), lambda: fake)  # another caller's budget is untouched

    def down() -> Any:
        raise ConnectionError("redis is down")

    spend_budget("lookups", "sub:a", Limit(2, 3600), down)  # Redis down: allowed


# ------------------------------------------------------------------------------------------ retention step


def test_the_schedule_sweeps_the_outbox_then_prunes(monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[str] = []
    monkeypatch.setattr(app_module, "sweep_outbox", lambda: steps.append("sweep") or {"published": 0})
    monkeypatch.setattr(app_module, "prune_expired", lambda: steps.append("prune") or {"outbox": 3})
    scheduled = lambda_entrypoint(app, scheduled_tasks={"task": lambda: steps.append("task") or 1})
    result = scheduled({"source": "aws.events", "detail-type": "Scheduled Event"}, Context())
    assert steps == ["task", "sweep", "prune"]
    assert result == {"task": 1, "published": 0, "pruned": {"outbox": 3}}
