"""Sessions revoked before their access tokens expire: logout, refresh-token reuse, password reset.

Every access token auth issues to a user names its session in the `sid` claim (the refresh-token family).
When auth revokes a session it also writes the sid to Redis with a time to live at least as long as an
access token lives, so the revocation outlasts every token of that session. Money-moving routes and `/me`
check the caller's sid through `require_roles(..., live=True)` (bank_shared.auth); other reads keep relying
on the short token lifetime.

Redis unreachable: the check **fails closed** (503 `dependency_unavailable` with Retry-After). A bank would
rather refuse a payment for a few seconds than let a token the customer signed out of (or a thief's copy
after a password reset) move money; clients retry with the same Idempotency-Key. Tokens without a `sid`
(service tokens) are not sessions and are not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bank_shared.errors import DependencyUnavailable, Unauthorized

KEY_PREFIX = "auth:revoked-sid:"
# Clocks of the gateway and of auth may differ a little: the revocation outlives the token by this much.
CLOCK_SKEW_SECONDS = 60


class SessionRevoked(Unauthorized):
    code, title = "session_revoked", "The session has ended"


RedisFactory = Callable[[], Any]


def _default_redis() -> Any:
    from bank_shared.redis_client import get_redis

    return get_redis()


def revoke_sessions(session_ids: Iterable[str], token_ttl_seconds: int,
                    redis_factory: RedisFactory | None = None) -> int:
    """Mark sessions revoked for as long as their access tokens can live; raises when Redis is unreachable
    (the caller decides whether that fails its request). Returns how many sessions were written."""
    ids = sorted({str(session_id) for session_id in session_ids})
    if not ids:
        return 0
    pipe = (redis_factory or _default_redis)().pipeline(transaction=False)
    for session_id in ids:
        pipe.set(KEY_PREFIX + session_id, "1", ex=token_ttl_seconds + CLOCK_SKEW_SECONDS)
    pipe.execute()
    return len(ids)


def ensure_session_live(claims: dict[str, Any], redis_factory: RedisFactory | None = None) -> None:
    """401 `session_revoked` for a token of a revoked session; 503 when that cannot be checked."""
    session_id = claims.get("sid")
    if not session_id:
        return
    try:
        revoked = bool((redis_factory or _default_redis)().exists(KEY_PREFIX + str(session_id)))
    except Exception as error:  # any Redis failure: fail closed
        raise DependencyUnavailable("The session cannot be checked right now", dependency="redis",
                                    headers={"Retry-After": "1"}) from error
    if revoked:
        raise SessionRevoked("This session was signed out; sign in again",
                             headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
