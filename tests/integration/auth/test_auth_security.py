"""Auth security against the running stack: the gateway's JWT checks in front of auth's protected routes,
expiring one-time tokens in auth's real database, the JWKS, and logs free of secrets."""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.stack import LOCAL, bearer, database_url, gateway_url, mint_token, signing_keys, token_claims

PASSWORD = "Correct-horse-42"


def api(path: str) -> str:
    return f"{gateway_url()}/api{path}"


def current_kid() -> str:
    return signing_keys().current().kid


def claims(**overrides: Any) -> dict[str, Any]:
    return token_claims() | overrides


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def me_status(token: str) -> int:
    return httpx.get(api("/auth/me"), headers=bearer(token), timeout=20).status_code


def test_a_valid_token_passes_the_authorizer() -> None:
    assert me_status(mint_token()) == 404  # the function ran; the random subject is no user


@pytest.mark.parametrize("case", ["expired", "not_yet_valid", "wrong_audience", "wrong_issuer"])
def test_bad_claims_are_rejected_before_the_function(case: str) -> None:
    now = int(time.time())
    overrides = {"expired": {"exp": now - 120, "iat": now - 600, "nbf": now - 600},
                 "not_yet_valid": {"nbf": now + 600},
                 "wrong_audience": {"aud": "someone-else"},
                 "wrong_issuer": {"iss": "http://evil.example/api/auth"}}[case]
    assert me_status(signing_keys().sign(claims(**overrides))) == 401


def test_tampered_signature_is_rejected() -> None:
    header, payload, signature = mint_token().split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["roles"] = ["admin"]
    assert me_status(".".join([header, b64(json.dumps(forged).encode()), signature])) == 401


def test_a_token_signed_in_kms_by_the_current_key_passes_and_names_it() -> None:
    token = signing_keys().sign(claims())
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT", "kid": current_kid()}
    assert me_status(token) == 404  # the function ran


def test_a_token_signed_by_another_key_under_the_current_kid_is_rejected() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(roles=["admin"]), other, algorithm="RS256", headers={"kid": current_kid()})
    assert me_status(forged) == 401


def test_alg_none_is_rejected() -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT", "kid": current_kid()}).encode())
    payload = b64(json.dumps(claims(roles=["admin"])).encode())
    assert me_status(f"{header}.{payload}.") == 401


def test_hs256_signed_with_the_public_key_is_rejected() -> None:
    import hashlib
    import hmac

    current = signing_keys().current()
    public_pem = current.public_key.public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": current.kid}).encode())
    payload = b64(json.dumps(claims(roles=["admin"])).encode())
    signature = b64(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert me_status(f"{header}.{payload}.{signature}") == 401


def test_missing_and_garbage_tokens_are_rejected() -> None:
    assert httpx.get(api("/auth/me"), timeout=20).status_code == 401
    assert me_status("not-a-jwt") == 401


def test_jwks_publishes_the_current_key_and_discovery_points_at_it() -> None:
    discovery = httpx.get(api("/auth/.well-known/openid-configuration"), timeout=20).json()
    assert discovery["issuer"] == f"{gateway_url()}/api/auth"
    keys = httpx.get(discovery["jwks_uri"], timeout=20).json()["keys"]
    assert current_kid() in {k["kid"] for k in keys}
    assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and "d" not in k for k in keys)


def register(email: str) -> None:
    response = httpx.post(api("/auth/register"), json={"email": email, "password": PASSWORD, "full_name": "I"},
                          timeout=20)
    assert response.status_code == 202


def test_expired_activation_and_reset_tokens_are_refused() -> None:
    """Tokens are stored hashed; a token past its expiry is refused even if never used."""
    from auth_service.tokens import hash_token

    email = f"expiry-{uuid.uuid4().hex[:10]}@example.com"
    register(email)
    raw = "expired-" + uuid.uuid4().hex
    with psycopg.connect(database_url("auth"), autocommit=True) as conn:
        row = conn.execute("SELECT id FROM users WHERE email = %s", (email,)).fetchone()
        assert row is not None
        stored = conn.execute("SELECT count(*) FROM one_time_tokens WHERE user_id = %s", (row[0],)).fetchone()
        assert stored is not None and stored[0] == 1
        for purpose in ("activation", "password_reset"):
            conn.execute("INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) "
                         "VALUES (%s, %s, %s, now() - interval '1 second')",
                         (hash_token(raw + purpose), row[0], purpose))
    activate = httpx.post(api("/auth/activate"), json={"token": raw + "activation"}, timeout=20)
    assert activate.status_code == 400 and activate.json()["code"] == "invalid_token"
    reset = httpx.post(api("/auth/password/reset"), json={"token": raw + "password_reset",
                                                          "password": "Another-pass-99"}, timeout=20)
    assert reset.status_code == 400 and reset.json()["code"] == "invalid_token"


def test_passwords_are_argon2id_and_tokens_are_not_stored_in_clear() -> None:
    email = f"hash-{uuid.uuid4().hex[:10]}@example.com"
    register(email)
    with psycopg.connect(database_url("auth"), autocommit=True) as conn:
        row = conn.execute("SELECT password_hash FROM users WHERE email = %s", (email,)).fetchone()
        assert row is not None and row[0].startswith("$argon2id$")
        hashes = conn.execute("SELECT token_hash FROM one_time_tokens ot JOIN users u ON u.id = ot.user_id "
                              "WHERE u.email = %s", (email,)).fetchall()
        assert hashes and all(len(h[0]) == 64 for h in hashes)


def gateway_log_with(request_id: str, rounds: int = 50) -> str:
    """The stack's logs once the gateway has written the access line of `request_id` (polled: lines are
    flushed after the answer); fails if it never appears, so the scan below never passes on missing logs."""
    for _ in range(rounds):
        logs = "\n".join(p.read_text(errors="replace") for p in Path(LOCAL / "logs").glob("*.log"))
        if f"rid={request_id} " in logs:
            return logs
        time.sleep(0.2)
    raise AssertionError(f"no log line for request {request_id}")


def test_no_password_or_token_in_the_logs() -> None:
    email = f"logs-{uuid.uuid4().hex[:10]}@example.com"
    secret_password = f"Log-secret-{uuid.uuid4().hex[:8]}-1"
    registered = httpx.post(api("/auth/register"), json={"email": email, "password": secret_password,
                                                         "full_name": "L"}, timeout=20)
    assert registered.status_code == 202, registered.text
    wrong = f"wrong-{uuid.uuid4().hex[:8]}-1"
    response = httpx.post(api("/auth/login"), json={"email": email, "password": wrong}, timeout=20)
    assert response.status_code == 401, response.text  # the password was checked (a 429 would prove nothing)
    logs = gateway_log_with(response.headers["apigw-requestid"])
    assert f"rid={registered.headers['apigw-requestid']} " in logs
    assert secret_password not in logs
    assert wrong not in logs
    assert "activation_token" not in logs and "refresh_token\":" not in logs
