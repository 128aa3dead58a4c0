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
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from bank_shared.db import Connection
from bank_shared.errors import IdempotencyKeyMissing, IdempotencyKeyReused, IdempotencyRequestInFlight

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotentResult:
    status: int
    body: dict[str, Any]
    replayed: bool

    def to_response(self) -> JSONResponse:
        headers = {REPLAYED_HEADER: "true"} if self.replayed else {}
        return JSONResponse(self.body, status_code=self.status, headers=headers)


def require_key(request: Request) -> str:
    """FastAPI dependency: the request's Idempotency-Key, validated."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise IdempotencyKeyMissing("Send a unique Idempotency-Key header with every money-moving request")
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyMissing(f"Idempotency-Key must be 1..{MAX_KEY_LENGTH} printable characters")
    return key


def fingerprint(operation: str, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


def lock_name(scope: str, key: str) -> str:
    """The advisory-lock name of (scope, key); length-prefixed so no two pairs collide. The ledger's
    `ledger_transfer_apply` (SQL) builds the same name: tests/integration/ledger/test_lock_name.py."""
    return f"{len(scope)}:{scope}|{key}"


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
    stored = connection.execute(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys "
        "WHERE scope = %s AND idempotency_key = %s",
        (scope, key),
    ).fetchone()
    if stored is not None:
        if stored["request_hash"] != request_hash:
            raise IdempotencyKeyReused()
        return IdempotentResult(stored["response_status"], stored["response_body"], replayed=True)
    status, body = operation()
    connection.execute(
        "INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body) "
        "VALUES (%s, %s, %s, %s, %s)",
        (scope, key, request_hash, status, json.dumps(body, default=str)),
    )
    return IdempotentResult(status, body, replayed=False)
