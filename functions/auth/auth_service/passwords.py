"""Password policy and argon2id hashing."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from auth_service.errors import WeakPassword

if TYPE_CHECKING:  # argon2 loads with the first hash, not at cold start
    from argon2 import PasswordHasher

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id with OWASP's baseline parameters (m=19 MiB, t=2, p=1): ~65 ms here, fits a 512 MB Lambda."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def check_policy(password: str, email: str | None = None) -> None:
    """At least 10 characters with a letter and a digit, not the e-mail itself. The refusal names each rule
    broken in `rules` (stable codes the SPA lists one by one in the person's language)."""
    broken: dict[str, str] = {}
    if len(password) < MIN_LENGTH:
        broken["min_length"] = f"at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        broken["max_length"] = f"at most {MAX_LENGTH} characters"
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        broken["letter_and_digit"] = "at least one letter and one digit"
    if email and password.lower() in {email.lower(), email.split("@")[0].lower()}:
        broken["not_email"] = "different from the e-mail address"
    if broken:
        raise WeakPassword("The password needs " + ", ".join(broken.values()), rules=list(broken))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both answers cost the same time."""
    return hasher().hash("no-such-user-0")
