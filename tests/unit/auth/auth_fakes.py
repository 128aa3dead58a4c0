"""auth's fast-tier world: its use cases over in-memory repositories (tests/support/fakes/auth.py), the real
login throttle over an in-memory Redis, the session revocations recorded (or failing, as Redis would)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from auth_service.throttle import LoginThrottle
from bank_shared.one_time_links import LinkKey
from tests.support.fakes import FakeDatabase
from tests.support.fakes.auth import AuthStore

PASSWORD = "Correct-horse-9"
LINKS = LinkKey(b"a one-time link key for the fast tier, 48 chars")  # the routes read the real one


@dataclass
class Realm:
    db: FakeDatabase
    store: AuthStore
    throttle: LoginThrottle
    revoked: list[list[str]] = field(default_factory=list)
    redis_down: bool = False

    def run(self, use_case: Any, *args: Any, **kwargs: Any) -> Any:
        return self.db.run(use_case, *args, **kwargs)

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return self.db.connection.events(event_type)

    def revoke_sessions(self, session_ids: Any, ttl: int) -> int:
        if self.redis_down:
            raise ConnectionError("redis is unreachable")
        self.revoked.append(sorted(session_ids))
        return len(self.revoked[-1])


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    parsed: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return parsed


class UnsignedKeyRing:
    """Stands in for KMS signing (proven in test_kms_keys.py): the claims, base64url, unsigned."""

    def sign(self, claims: dict[str, Any]) -> str:
        def part(value: dict[str, Any]) -> str:
            return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
        return f"{part({'alg': 'none'})}.{part(claims)}.unsigned"


def seal(secret: str, user_id: UUID) -> bytes:
    """Stands in for the KMS envelope seal: reversible, bound to the user, never the secret's own text."""
    return b"sealed:" + str(user_id).encode() + b":" + base64.b32encode(secret.encode())


def open_sealed(stored: bytes, user_id: UUID) -> str:
    prefix = b"sealed:" + str(user_id).encode() + b":"
    assert stored.startswith(prefix), "a secret opened for another user"
    return base64.b32decode(stored[len(prefix):]).decode()
