"""Access to the running local stack for integration and end-to-end tests (written by `make up`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import Iterator

    from auth_service.keys import KeyRing
    from bank_shared.db import Connection

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


def migrated_connection(service: str) -> Iterator[Connection]:
    """A connection to the service's database brought to head (a module fixture's body), closed after."""
    from bank_shared.db import connect
    from bank_shared.migrations import upgrade_head

    url = database_url(service)
    upgrade_head(service, url)
    connection = connect(url)
    yield connection
    connection.close()


def _on_path(*folders: Path) -> None:
    for folder in folders:
        if str(folder) not in sys.path:
            sys.path.append(str(folder))


@lru_cache(maxsize=1)
def local_kms() -> Any:
    """A KMS client of the stack's LocalStack (dummy credentials, as every local piece uses)."""
    return localstack_aws("kms")


def localstack_aws(service: str) -> Any:
    """A boto3 client of the stack's LocalStack, through localstack-client (localstack/localstack_session.py)."""
    from localstack_session import localstack_client

    return localstack_client(service, str(stack()["localstack_url"]), str(stack()["aws_region"]))


def kms_call(operation: str, **params: Any) -> dict[str, Any]:
    response: dict[str, Any] = getattr(local_kms(), operation)(**params)
    return response


@lru_cache(maxsize=1)
def signing_keys() -> KeyRing:
    """auth's signing keys in LocalStack KMS, read as auth reads them (a short cache: tests rotate keys)."""
    _on_path(REPO_ROOT / "functions" / "auth", REPO_ROOT / "shared")  # scripts import this module too
    from auth_service.keys import KeyAliases, KeyRing

    return KeyRing(KeyAliases.of(stack()["kms_key_ids"]["JWT_SIGNING_KEY_ID"]), max_age_seconds=1, kms=kms_call)


def token_claims(subject: str | None = None, roles: tuple[str, ...] = ("customer",), *, ttl: int = 300,
                 **claims: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": f"{gateway_url()}/api/auth",
        "aud": "bank-api",
        "sub": subject or str(uuid.uuid4()),
        "roles": list(roles),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": str(uuid.uuid4()),
    } | claims


def mint_token(subject: str | None = None, roles: tuple[str, ...] = ("customer",), *, ttl: int = 300,
               **claims: Any) -> str:
    """An access token signed in LocalStack KMS with auth's current key, as auth would issue it (tests only)."""
    return signing_keys().sign(token_claims(subject, roles, ttl=ttl, **claims))


def function_env(logical_id: str) -> dict[str, str]:
    """The environment the local gateway gives a function (`.local/env.json`), for running its commands."""
    env: dict[str, str] = json.loads((LOCAL / "env.json").read_text())[logical_id]
    return env


def run_function_module(service: str, module: str, *args: str, env: dict[str, str] | None = None,
                        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m <module> <args>` as an operator runs it: the function's code and environment (plus `env`),
    no test state."""
    env = {"PATH": os.environ.get("PATH", ""), **function_env(f"{service.capitalize()}Function"), **(env or {}),
           "PYTHONPATH": f"{REPO_ROOT / 'functions' / service}:{REPO_ROOT / 'shared'}"}
    return subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


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
