"""Idempotency-Key storage for this service (the IETF httpapi semantics of bank_shared.idempotency).

`bank_shared.idempotency.run_idempotent` builds its advisory-lock name with a NUL separator, which
PostgreSQL text refuses ("text fields cannot contain NUL bytes"), so every call fails. Until the shared
package is fixed this module does the same thing with a printable separator; it reuses the shared
`idempotency_keys` table, `IdempotentResult` and errors, so switching back is a one-line import change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bank_shared.db import Connection
from bank_shared.errors import IdempotencyKeyReused, IdempotencyRequestInFlight
from bank_shared.idempotency import IdempotentResult


def run_idempotent(connection: Connection, scope: str, key: str, request_hash: str,
                   operation: Callable[[], tuple[int, dict[str, Any]]]) -> IdempotentResult:
    """Run `operation` once per (scope, key) inside the caller's open transaction."""
    locked = connection.execute(
        "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0)) AS locked", (f"{scope}|{key}",)
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
