"""Auth building blocks without network: password policy and argon2id, RS256 access tokens and key
rotation (moto), the login throttle (lockout + backoff), TOTP with replay protection, opaque tokens."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pyotp
import pytest

from auth_service import mfa, passwords
from auth_service.errors import LoginLocked, WeakPassword
from auth_service.keys import jwks, rotate, signing_keys
from auth_service.settings import AuthSettings
from auth_service.throttle import LoginThrottle
from auth_service.tokens import hash_token, issue_access_token, new_opaque_token
from bank_shared.errors import DependencyUnavailable

# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize("weak", ["short1", "onlyletterslong", "1234567890123", "aaaaaaaaa"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassword):
        passwords.check_policy(weak)


def test_password_equal_to_the_email_is_refused() -> None:
    with pytest.raises(WeakPassword):
        passwords.check_policy("alice12345@example.com", "alice12345@example.com")
    passwords.check_policy("Correct-horse-42", "alice@example.com")


def test_passwords_are_hashed_with_argon2id() -> None:
    hashed = passwords.hash_password("Correct-horse-42")
    assert hashed.startswith("$argon2id$")
    assert "Correct-horse-42" not in hashed
    assert passwords.verify_password(hashed, "Correct-horse-42")
    assert not passwords.verify_password(hashed, "Correct-horse-43")
    assert not passwords.verify_password("not-a-hash", "x")
    assert passwords.hash_password("Correct-horse-42") != hashed  # salted


# --------------------------------------------------------------------------- tokens and keys


def decode(token: str, **options: Any) -> dict[str, Any]:
    current, previous = signing_keys()
    kid = jwt.get_unverified_header(token)["kid"]
    key = current if kid == current.kid else previous
    assert key is not None
    return jwt.decode(token, key.public_key, algorithms=["RS256"], audience="bank-api",
                      issuer="http://127.0.0.1:3000/api/auth", options=options)


def test_access_token_has_the_required_claims(signing_secret: Any) -> None:
    issued = issue_access_token("user-1", ["customer", "admin", "customer"])
    header = jwt.get_unverified_header(issued.token)
    assert header["alg"] == "RS256" and header["kid"] == signing_keys()[0].kid
    claims = decode(issued.token, require=["exp", "iat", "nbf", "jti", "sub", "iss", "aud"])
    assert claims["sub"] == "user-1"
    assert claims["roles"] == ["admin", "customer"]  # a JSON array
    assert claims["exp"] - claims["iat"] == AuthSettings().access_token_ttl_seconds
    assert claims["jti"] == issued.jti


def test_tampered_and_confused_tokens_do_not_verify(signing_secret: Any) -> None:
    token = issue_access_token("user-1", ["customer"]).token
    header, payload, signature = token.split(".")
    with pytest.raises(jwt.InvalidSignatureError):
        decode(f"{header}.{payload[:-2]}AA.{signature}")
    with pytest.raises(jwt.PyJWTError):
        jwt.decode(jwt.encode({"sub": "x"}, "k", algorithm="HS256"), signing_keys()[0].public_key,
                   algorithms=["RS256"])


def test_jwks_has_public_keys_only(signing_secret: Any) -> None:
    keys = jwks()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_rotation_moves_current_to_previous_and_old_tokens_stay_valid(signing_secret: Any) -> None:
    old_kid = signing_keys()[0].kid
    old_token = issue_access_token("user-1", ["customer"]).token
    kids = rotate()
    assert kids["previous"] == old_kid and kids["current"] != old_kid
    stored = json.loads(signing_secret.get_secret_value(SecretId="bank/local/auth/jwt-signing-keys")["SecretString"])
    assert stored["previous"]["kid"] == old_kid and stored["current"]["kid"] == kids["current"]
    assert {k["kid"] for k in jwks()["keys"]} == {old_kid, kids["current"]}
    assert decode(old_token)["sub"] == "user-1"
    assert jwt.get_unverified_header(issue_access_token("user-2", ["customer"]).token)["kid"] == kids["current"]


def test_opaque_tokens_are_random_and_hashed() -> None:
    first, second = new_opaque_token(), new_opaque_token()
    assert first != second and len(first) >= 43
    assert hash_token(first) != first and len(hash_token(first)) == 64


# --------------------------------------------------------------------------- login throttle


def throttle(redis: Any, **overrides: Any) -> LoginThrottle:
    settings = AuthSettings(login_max_failures=3, login_lockout_seconds=60, login_lockout_max_seconds=200,
                            **overrides)
    return LoginThrottle(lambda: redis, settings)


def test_repeated_failures_lock_the_address_with_retry_after(redis: Any) -> None:
    guard = throttle(redis)
    assert guard.record_failure("a@example.com") is None
    assert guard.record_failure("A@example.com") is None  # case-insensitive
    assert guard.record_failure("a@example.com") == 60
    with pytest.raises(LoginLocked) as locked:
        guard.ensure_not_locked("a@example.com")
    assert locked.value.headers["Retry-After"] == "60"
    guard.ensure_not_locked("b@example.com")  # others unaffected


def test_lockouts_back_off_up_to_the_cap(redis: Any) -> None:
    guard = throttle(redis)
    durations = []
    for _ in range(4):
        for _attempt in range(2):
            guard.record_failure("a@example.com")
        durations.append(guard.record_failure("a@example.com"))
    assert durations == [60, 120, 200, 200]


def test_success_clears_the_counters(redis: Any) -> None:
    guard = throttle(redis)
    guard.record_failure("a@example.com")
    guard.record_failure("a@example.com")
    guard.record_success("a@example.com")
    assert guard.record_failure("a@example.com") is None


def test_an_unreachable_redis_fails_closed() -> None:
    def broken() -> Any:
        raise ConnectionError("down")

    with pytest.raises(DependencyUnavailable):
        LoginThrottle(broken, AuthSettings()).ensure_not_locked("a@example.com")


# --------------------------------------------------------------------------- TOTP


def test_totp_accepts_the_current_code_once_and_tolerates_one_step_of_drift() -> None:
    secret = mfa.new_secret()
    totp = pyotp.TOTP(secret)
    now = time.time()
    step = mfa.matching_step(secret, totp.at(now), None, now)
    assert step == int(now // 30)
    assert mfa.matching_step(secret, totp.at(now), step, now) is None  # replay
    assert mfa.matching_step(secret, totp.at(now - 30), None, now) == step - 1
    assert mfa.matching_step(secret, totp.at(now - 90), None, now) is None
    assert mfa.matching_step(secret, "12345", None, now) is None
    assert mfa.matching_step(secret, "abcdef", None, now) is None


def test_provisioning_uri_names_the_issuer_and_account() -> None:
    uri = mfa.provisioning_uri(mfa.new_secret(), "alice@example.com", "Bank")
    assert uri.startswith("otpauth://totp/Bank:alice%40example.com?") and "issuer=Bank" in uri
