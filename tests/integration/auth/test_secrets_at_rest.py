"""TOTP secrets at rest, through the real stack (gateway → auth → LocalStack KMS → PostgreSQL): the columns
hold sealed bytes and no base32 secret, sign-in with a code still works, a sealed secret moved to another user
does not open, and secrets stored before sealing are read and then sealed by `auth_service.seal_secrets`."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pyotp
import pytest

from tests.support.stack import REPO_ROOT, bearer, database_url, gateway_url, run_function_module

PASSWORD = "Correct-horse-42"
MIGRATION = REPO_ROOT / "functions/auth/auth_service/migrations/0004_sealed_totp_secrets.sql"


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{gateway_url()}/api/auth", timeout=30) as client:
        yield client


def db() -> psycopg.Connection[Any]:
    return psycopg.connect(database_url("auth"), autocommit=True)


def active_user(api: httpx.Client) -> tuple[str, uuid.UUID]:
    """A registered user, activated in the database (this test is about MFA, not the activation mail)."""
    email = f"sealed-{uuid.uuid4().hex[:12]}@example.com"
    assert api.post("/register", json={"email": email, "password": PASSWORD, "full_name": "S"}).status_code == 202
    with db() as conn:
        row = conn.execute("UPDATE users SET status = 'active' WHERE email = %s RETURNING id", (email,)).fetchone()
    assert row is not None
    return email, row[0]


def stored(user_id: uuid.UUID) -> tuple[bytes | None, bytes | None]:
    with db() as conn:
        row = conn.execute("SELECT mfa_secret, mfa_pending_secret FROM users WHERE id = %s", (user_id,)).fetchone()
    assert row is not None
    return row[0], row[1]


def login(api: httpx.Client, email: str, **extra: Any) -> httpx.Response:
    return api.post("/login", json={"email": email, "password": PASSWORD, **extra})


def next_code(totp: pyotp.TOTP, used: set[str]) -> str:
    """A code of a step not used yet (each step signs in once)."""
    for offset in (0, 30, -30):
        code = totp.at(time.time() + offset)
        if code not in used:
            used.add(code)
            return code
    raise AssertionError("no unused TOTP step within the drift window")


def enable_mfa(api: httpx.Client, email: str, used: set[str]) -> tuple[str, str]:
    access = login(api, email).json()["access_token"]
    setup = api.post("/mfa/setup", headers=bearer(access))
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    confirmed = api.post("/mfa/confirm", json={"code": next_code(pyotp.TOTP(secret), used)}, headers=bearer(access))
    assert confirmed.status_code == 200, confirmed.text
    return secret, access


def assert_sealed(value: bytes | None, secret: str) -> None:
    assert value is not None and value[0] == 1  # bank_shared.crypto's version byte
    assert secret.encode() not in value and secret.lower().encode() not in value


def test_mfa_secrets_are_sealed_and_sign_in_with_a_code_works(api: httpx.Client) -> None:
    email, user_id = active_user(api)
    used: set[str] = set()
    access = login(api, email).json()["access_token"]
    secret = api.post("/mfa/setup", headers=bearer(access)).json()["secret"]
    mfa_secret, pending = stored(user_id)
    assert mfa_secret is None
    assert_sealed(pending, secret)

    totp = pyotp.TOTP(secret)
    assert api.post("/mfa/confirm", json={"code": next_code(totp, used)}, headers=bearer(access)).status_code == 200
    mfa_secret, pending = stored(user_id)
    assert pending is None
    assert_sealed(mfa_secret, secret)

    assert login(api, email).json()["code"] == "mfa_required"
    signed_in = login(api, email, totp=next_code(totp, used))
    assert signed_in.status_code == 200, signed_in.text
    assert api.get("/me", headers=bearer(signed_in.json()["access_token"])).json()["mfa_enabled"] is True


def test_a_sealed_secret_moved_to_another_user_does_not_open(api: httpx.Client) -> None:
    used: set[str] = set()
    victim, victim_id = active_user(api)
    secret, _ = enable_mfa(api, victim, used)
    attacker, attacker_id = active_user(api)
    with db() as conn:
        conn.execute("UPDATE users SET mfa_enabled = true, mfa_secret = (SELECT mfa_secret FROM users WHERE id = %s) "
                     "WHERE id = %s", (victim_id, attacker_id))
    refused = login(api, attacker, totp=next_code(pyotp.TOTP(secret), used))
    assert refused.status_code == 500, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "sealed_data_invalid" and "Traceback" not in refused.text


def test_secrets_stored_before_sealing_still_work_and_the_command_seals_them(api: httpx.Client) -> None:
    email, user_id = active_user(api)
    secret = pyotp.random_base32()
    with db() as conn:  # a row as migration 0004 leaves an older one: the base32 text as bytes
        conn.execute("UPDATE users SET mfa_enabled = true, mfa_secret = convert_to(%s, 'UTF8'), "
                     "mfa_pending_secret = convert_to(%s, 'UTF8') WHERE id = %s",
                     (secret, pyotp.random_base32(), user_id))
    used: set[str] = set()
    totp = pyotp.TOTP(secret)
    assert login(api, email, totp=next_code(totp, used)).status_code == 200  # read as it is

    sealing = run_function_module("auth", "auth_service.seal_secrets")
    assert sealing.returncode == 0, sealing.stdout + sealing.stderr
    assert "none left unsealed" in sealing.stdout
    mfa_secret, pending = stored(user_id)
    assert_sealed(mfa_secret, secret)
    assert pending is not None and pending[0] == 1

    assert login(api, email, totp=next_code(totp, used)).status_code == 200  # the sealed secret opens
    again = run_function_module("auth", "auth_service.seal_secrets")
    assert again.returncode == 0 and "done: 0 sealed" in again.stdout  # idempotent


def test_migration_0004_keeps_older_secrets_as_their_bytes() -> None:
    """Run on a scratch copy of the old columns (a temporary table shadows `users`), then rolled back."""
    with psycopg.connect(database_url("auth")) as conn:
        conn.execute("CREATE TEMP TABLE users (id uuid, mfa_enabled boolean, mfa_secret text, "
                     "mfa_pending_secret text) ON COMMIT DROP")
        conn.execute("INSERT INTO users VALUES (gen_random_uuid(), true, 'JBSWY3DPEHPK3PXP', NULL)")
        conn.execute(Path(MIGRATION).read_text().encode())
        row = conn.execute("SELECT mfa_secret, mfa_pending_secret, pg_typeof(mfa_secret)::text FROM pg_temp.users"
                           ).fetchone()
        assert row == (b"JBSWY3DPEHPK3PXP", None, "bytea")
        conn.rollback()
