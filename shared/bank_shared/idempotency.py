"""Idempotency-Key for money-moving POSTs, with the IETF httpapi semantics:

missing key → 400; same key, different request → 422; same key while the first is in flight → 409;
replay → the stored status and body plus `Idempotent-Replayed: true`. The stored response is written in
the same transaction as the effect, so an effect without its key (or the reverse) cannot exist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header
from fastapi.responses import JSONResponse

from bank_shared.db import Connection
from bank_shared.errors import PROBLEM_JSON, IdempotencyKeyMissing, IdempotencyKeyReused, IdempotencyRequestInFlight

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
REQUIRED_MARK = "x-bank-required"  # read (and removed) by bank_shared.api_docs: the header is required
KEY_DESCRIPTION = (f"A unique key (1..{MAX_KEY_LENGTH} printable characters, e.g. a UUID) per money-moving request; "
                   "retries of the same request reuse it and get the stored answer with Idempotent-Replayed: true")


@dataclass(frozen=True)
class IdempotentResult:
    status: int
    body: dict[str, Any]
    replayed: bool

    def to_response(self) -> JSONResponse:
        """The one way a route answers with a stored or fresh idempotent outcome: its status and body, a
        refusal as problem+json, a replay marked `Idempotent-Replayed: true`."""
        headers = {REPLAYED_HEADER: "true"} if self.replayed else {}
        media_type = PROBLEM_JSON if self.status >= 400 else "application/json"
        return JSONResponse(self.body, status_code=self.status, headers=headers, media_type=media_type)


class RecordedAnswer:
    """A row that records the answer its request got, once finished (`result_status`, `result_body`), so a
    retry is answered with it: fx's quotes, utilities' payments, office's money requests."""

    result_status: int | None
    result_body: dict[str, Any] | None

    def outcome(self) -> tuple[int, dict[str, Any]]:
        """The recorded answer (status, body) of a finished request."""
        assert self.result_status is not None and self.result_body is not None, (
            f"the {type(self).__name__} has no recorded answer: it has not finished")
        return self.result_status, self.result_body

    def replay(self) -> IdempotentResult:
        """The recorded answer, marked replayed."""
        return IdempotentResult(*self.outcome(), replayed=True)


def require_key(
    idempotency_key: Annotated[str | None, Header(alias=HEADER, description=KEY_DESCRIPTION,
                                                  json_schema_extra={REQUIRED_MARK: True})] = None,
) -> str:
    """FastAPI dependency: the request's Idempotency-Key, validated. Declared as a header parameter so the
    OpenAPI documents it (`bank_shared.api_docs` marks it required); a missing one is our own 400 problem
    (IETF httpapi), not the framework's 422."""
    key = (idempotency_key or "").strip()
    if not key:
        raise IdempotencyKeyMissing("Send a unique Idempotency-Key header with every money-moving request")
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyMissing(f"Idempotency-Key must be 1..{MAX_KEY_LENGTH} printable characters")
    return key


IdempotencyKey = Annotated[str, Depends(require_key)]  # a route's parameter: the request's required key


def optional_key(
    idempotency_key: Annotated[str | None, Header(alias=HEADER, description=KEY_DESCRIPTION)] = None,
) -> str | None:
    """FastAPI dependency for routes where the key is optional (a retried quote): validated when sent."""
    return require_key(idempotency_key) if idempotency_key else None


def fingerprint(operation: str, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


def lock_name(scope: str, key: str) -> str:
    """The advisory-lock name of (scope, key); length-prefixed so no two pairs collide. The ledger's
    `ledger_transfer_apply` (SQL) builds the same name: tests/integration/ledger/test_lock_name.py."""
    return f"{len(scope)}:{scope}|{key}"


def stored_result(connection: Connection, scope: str, key: str, request_hash: str) -> IdempotentResult | None:
    """The stored answer to (scope, key) as a replay, None when the key is unused; a different request under
    the same key is refused. Also for use cases that must learn "already done?" before a call to another
    service, which never happens inside their transaction."""
    stored = connection.execute(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys "
        "WHERE scope = %s AND idempotency_key = %s",
        (scope, key),
    ).fetchone()
    if stored is None:
        return None
    if stored["request_hash"] != request_hash:
        raise IdempotencyKeyReused()
    return IdempotentResult(stored["response_status"], stored["response_body"], replayed=True)


def run_idempotent(
    connection: Connection,
    scope: str,
    key: str,
    request_hash: str,
    operation: Callable[[], tuple[int, dict[str, Any]]],
) -> IdempotentResult:
    """Run `operation` once per (scope, key) inside the caller's open transaction."""
    locked = connection.execute(
        "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0)) AS locked", (lock_name(scope, key),)
    ).fetchone()
    if not locked or not locked["locked"]:
        raise IdempotencyRequestInFlight(headers={"Retry-After": "1"})
    stored = stored_result(connection, scope, key, request_hash)
    if stored is not None:
        return stored
    status, body = operation()
    result = IdempotentResult(status, body, replayed=False)
    _insert(connection, scope, key, request_hash, result, "")
    return result


def store_result(connection: Connection, scope: str, key: str, request_hash: str, result: IdempotentResult) -> None:
    """Store `result` as the answer to (scope, key) unless one is stored already: for use cases that cannot
    hold one transaction around their effect (a call to another service between two short transactions),
    where a concurrent retry may have finished and stored the same outcome first."""
    _insert(connection, scope, key, request_hash, result, " ON CONFLICT DO NOTHING")


def _insert(connection: Connection, scope: str, key: str, request_hash: str, result: IdempotentResult,
            on_conflict: str) -> None:
    connection.execute(
        "INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body) "
        f"VALUES (%s, %s, %s, %s, %s){on_conflict}",
        (scope, key, request_hash, result.status, json.dumps(result.body, default=str)),
    )
