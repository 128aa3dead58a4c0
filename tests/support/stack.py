"""Access to the running local stack for integration and end-to-end tests (written by `make up`)."""

from __future__ import annotations

import json
import os
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import jwt

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL = REPO_ROOT / ".local"


@lru_cache(maxsize=1)
def stack() -> dict[str, Any]:
    path = Path(os.environ.get("BANK_STACK_FILE", LOCAL / "stack.json"))
    if not path.exists():
        raise RuntimeError(f"{path} is missing: run `make up` first (make test does it for you)")
    value: dict[str, Any] = json.loads(path.read_text())
    return value


def gateway_url() -> str:
    return str(stack()["gateway_url"]).rstrip("/")


def database_url(service: str) -> str:
    return str(stack()["services"][service]["database_url"])


def _signing_key() -> dict[str, str]:
    secrets = json.loads((LOCAL / "aws-secrets.json").read_text())
    key: dict[str, str] = secrets["secrets"]["bank/local/auth/jwt-signing-keys"]["current"]
    return key


def mint_token(subject: str | None = None, roles: tuple[str, ...] = ("customer",), *, ttl: int = 300,
               **claims: Any) -> str:
    """An access token signed with auth's current key, as auth would issue it (for tests only)."""
    key = _signing_key()
    now = int(time.time())
    payload = {
        "iss": f"{gateway_url()}/api/auth",
        "aud": "bank-api",
        "sub": subject or str(uuid.uuid4()),
        "roles": list(roles),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": str(uuid.uuid4()),
    } | claims
    return jwt.encode(payload, key["private_key_pem"], algorithm="RS256", headers={"kid": key["kid"]})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(http: httpx.Client, email: str, password: str) -> dict[str, str]:
    """Sign in through the gateway; the bearer header of the new session."""
    response = http.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return bearer(str(response.json()["access_token"]))


def cash_topup(http: httpx.Client, account_id: str, amount: str, currency: str,
               employee: dict[str, str] | None = None) -> httpx.Response:
    """Cash paid in at the desk: staff move money only through the back office (maker-checker). By default a
    fresh employee of this test does it (own daily limit); under the approval threshold it executes at once."""
    headers = employee or bearer(mint_token(roles=("employee",)))
    return http.post(f"/api/office/accounts/{account_id}/topup",
                     headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                     json={"amount": amount, "currency": currency, "description": "cash at the desk"})


def demo_login(http: httpx.Client, role: str) -> dict[str, str]:
    """Sign in as the demo admin, employee or customer `make up` seeded."""
    user = stack()["demo_users"][role]
    return login(http, user["email"], user["password"])
