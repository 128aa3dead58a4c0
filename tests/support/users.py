"""Fresh, real users for the load and fuzzing tiers (never the demo users): written into auth's database
with auth's own repository and password hashing, as auth's seed does, then signed in through the gateway
like anyone else. Each one gets its own e-mail, phone and password, so per-user rate limits and lockouts
apply to it alone.
"""

from __future__ import annotations

import secrets
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.support.stack import REPO_ROOT, bearer, database_url

PHONE_PREFIX = "+7 977"  # the load/fuzz users' phones: +7 977 NNN-NN-NN, unique per user


@dataclass(frozen=True)
class StackUser:
    id: str
    email: str
    password: str
    phone: str
    roles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "roles": list(self.roles)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StackUser:
        return cls(data["id"], data["email"], data["password"], data["phone"], tuple(data["roles"]))


def _phone(number: int) -> str:
    digits = f"{number:07d}"
    return f"{PHONE_PREFIX} {digits[:3]}-{digits[3:5]}-{digits[5:]}"


def create_users(count: int, roles: tuple[str, ...], tag: str) -> list[StackUser]:
    """`count` active users with `roles`, e-mails `<tag>-<run>-<n>@load.example`, in one transaction."""
    auth_code = str(REPO_ROOT / "functions" / "auth")
    if auth_code not in sys.path:  # scripts (make load-seed) run outside pytest's pythonpath
        sys.path.append(auth_code)
    from auth_service import passwords
    from auth_service.repository import UserRepository

    run = uuid.uuid4().hex[:8]
    password = f"Load-{secrets.token_urlsafe(9)}-7"
    password_hash = passwords.hash_password(password)  # one hash for the batch: argon2 costs ~65 ms each
    users: list[StackUser] = []
    with psycopg.connect(database_url("auth"), row_factory=dict_row, autocommit=False) as connection:
        repository = UserRepository(connection)  # type: ignore[arg-type]
        for index in range(count):
            user = StackUser(str(uuid.uuid4()), f"{tag}-{run}-{index}@load.example", password,
                            _phone(secrets.randbelow(10**7)), roles)
            if not repository.add(uuid.UUID(user.id), user.email, password_hash, f"{tag.title()} {run} {index}",
                                  user.phone, list(roles), "active"):
                raise RuntimeError(f"{user.email} exists already")
            users.append(user)
        connection.commit()
    return users


def sign_in(http: httpx.Client, user: StackUser, attempts: int = 6) -> dict[str, Any]:
    """The token answer of POST /api/auth/login for `user` (access and refresh token); a 429 or 5xx (a cold
    or busy function) is retried after a pause, as a person would."""
    for attempt in range(attempts):
        response = http.post("/api/auth/login", json={"email": user.email, "password": user.password})
        if response.status_code != 429 and response.status_code < 500:
            break
        time.sleep(float(response.headers.get("Retry-After") or 0) or 2.0 * (attempt + 1))
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def session_headers(http: httpx.Client, user: StackUser) -> dict[str, str]:
    return bearer(str(sign_in(http, user)["access_token"]))
