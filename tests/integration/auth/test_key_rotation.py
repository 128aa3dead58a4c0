"""Signing-key rotation on the running stack, with the operator's command (`python -m auth_service.rotate_keys`
in auth's environment) against LocalStack KMS, seen from the gateway: the next key is published before it
signs, `rotate` promotes it after the publication delay, sessions signed by the old key keep working, new ones
carry the new kid."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import jwt
import psycopg
import pytest

from tests.support.stack import bearer, database_url, function_env, gateway_url, local_kms, run_function_module

PASSWORD = "Correct-horse-42"
# The retirement check uses the tokens' lifetime; this stack's tokens of earlier tests are not needed again,
# so a short one lets a rerun on the same stack retire the key of the previous run at once.
SHORT_LIVED = {"ACCESS_TOKEN_TTL_SECONDS": "1", "SERVICE_TOKEN_TTL_SECONDS": "1"}


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{gateway_url()}/api/auth", timeout=30) as client:
        yield client


def alias_target(alias: str) -> str | None:
    try:
        return str(local_kms().describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])
    except local_kms().exceptions.NotFoundException:
        return None


def published(api: httpx.Client) -> set[str]:
    return {k["kid"] for k in api.get("/.well-known/jwks.json").json()["keys"]}


def signed_in(api: httpx.Client) -> str:
    email = f"rotate-{uuid.uuid4().hex[:12]}@example.com"
    assert api.post("/register", json={"email": email, "password": PASSWORD, "full_name": "R"}).status_code == 202
    with psycopg.connect(database_url("auth"), autocommit=True) as conn:
        conn.execute("UPDATE users SET status = 'active' WHERE email = %s", (email,))
    response = api.post("/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def rotate(step: str, *args: str) -> str:
    result = run_function_module("auth", "auth_service.rotate_keys", step, *args, env=SHORT_LIVED)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_rotation_publishes_first_then_switches_without_breaking_sessions(api: httpx.Client) -> None:
    alias = function_env("AuthFunction")["JWT_SIGNING_KEY_ID"]
    cache_seconds = int(function_env("AuthFunction")["SIGNING_KEYS_CACHE_SECONDS"])
    before = alias_target(alias)
    old_token = signed_in(api)
    assert kid(old_token) == before

    rotate("prepare")
    upcoming = alias_target(f"{alias}-next")
    assert upcoming is not None and upcoming != before
    time.sleep(cache_seconds + 1)
    assert {before, upcoming} <= published(api)  # published …
    assert kid(signed_in(api)) == before  # … but not signing yet

    # (promote right now would be refused until the key was published long enough: test_kms_keys.py)
    output = rotate("rotate")  # waits out the publication delay, then promotes the prepared key
    assert "already prepared" in output
    assert alias_target(alias) == upcoming and alias_target(f"{alias}-previous") == before
    assert alias_target(f"{alias}-next") is None
    time.sleep(cache_seconds + 1)
    new_token = signed_in(api)
    assert kid(new_token) == upcoming
    assert published(api) == {before, upcoming}
    for token in (old_token, new_token):  # the gateway's authorizer verifies both through the JWKS
        assert api.get("/me", headers=bearer(token)).status_code == 200
    assert "previous:" in rotate("status")
