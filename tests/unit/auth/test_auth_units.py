"""Auth building blocks without network: password policy and argon2id, the login throttle (lockout +
backoff), TOTP with replay protection, opaque tokens. Signing keys and sealed secrets: test_kms_keys.py."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from auth_service import mfa, passwords
from auth_service.errors import LoginLocked, WeakPassword
from auth_service.settings import AuthSettings
from auth_service.throttle import LoginThrottle
from auth_service.tokens import hash_token, new_opaque_token
from bank_shared.errors import DependencyUnavailable

# --------------------------------------------------------------------------- passwords


@pytest.mark.parametrize("weak", ["short1", "onlyletterslong", "1234567890123", "aaaaaaaaa"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassword):
        passwords.check_policy(weak)


@pytest.mark.parametrize(("weak", "rules"), [
    ("short1", ["min_length"]), ("aaaaaaaaa", ["min_length", "letter_and_digit"]),
    ("onlyletterslong", ["letter_and_digit"])])
def test_the_refusal_names_each_broken_rule(weak: str, rules: list[str]) -> None:
    with pytest.raises(WeakPassword) as refusal:
        passwords.check_policy(weak)
    assert refusal.value.extra["rules"] == rules


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


# --------------------------------------------------------------------------- opaque tokens (signing: test_kms_keys.py)


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
