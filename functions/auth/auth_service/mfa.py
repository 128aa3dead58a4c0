"""TOTP (RFC 6238) through pyotp: 30-second steps, one step of clock drift, no code accepted twice.

Secrets rest in `auth.users` sealed with the data key (bank_shared.crypto, KMS envelope encryption) under a
context naming the user, so a sealed secret copied to another user's row does not open.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from auth_service.rows import User
from auth_service.settings import get_auth_settings
from bank_shared import crypto
from bank_shared.db import UnitOfWork
from bank_shared.money import is_ascii_digits
from bank_shared.transaction_guard import in_transaction

T = TypeVar("T")

STEP_SECONDS = 30
DRIFT_STEPS = 1


SECRET_PURPOSE = "auth.users.totp_secret"  # the active and the pending secret: confirming moves it unchanged


def new_secret() -> str:
    import pyotp  # loaded by the MFA routes that use it, not at cold start

    return pyotp.random_base32()


def _context(user_id: UUID) -> dict[str, str]:
    return {"purpose": SECRET_PURPOSE, "user_id": str(user_id)}


# No KMS call while a transaction is open (docs/architecture.md, the transaction guard). A new secret is sealed
# before enrolment's transaction opens (`new_sealed_secret`). A stored secret is opened with no transaction
# open: a use case that meets a sealed secret it has not opened yet inside its transaction raises
# `SecretNotOpened`; `in_transaction_opening_secrets` rolls that transaction back, opens the secret, and runs
# the use case again in a new one, which locks the user's row again and finds the secret opened (the lock, which
# makes a code single-use, is held only while no KMS call is in flight).


@dataclass(frozen=True)
class NewSecret:
    """A new TOTP secret: the base32 text shown once to the user, and the value stored for it."""

    secret: str
    sealed: bytes


class SecretNotOpened(Exception):
    """A sealed secret was needed inside a transaction before it was opened."""

    def __init__(self, stored: bytes, user_id: UUID) -> None:
        super().__init__("a sealed TOTP secret is opened before the transaction, not inside it")
        self.stored, self.user_id = stored, user_id


_opened: ContextVar[dict[tuple[bytes, UUID], str] | None] = ContextVar("opened_totp_secrets", default=None)
OPENING_ATTEMPTS = 3  # a secret replaced between two attempts (MFA switched off and on again) needs one more


def new_sealed_secret(user_id: UUID) -> NewSecret:
    secret = new_secret()
    return NewSecret(secret, seal_secret(secret, user_id))


def seal_secret(secret: str, user_id: UUID) -> bytes:
    """The secret as it is stored: one GenerateDataKey call, AES-GCM here."""
    return crypto.encrypt(secret.encode("ascii"), _context(user_id), key_id=get_auth_settings().data_key_id)


def open_secret(stored: bytes, user_id: UUID) -> str:
    """The base32 secret of a stored value: opened earlier in this request, or now (one Decrypt call) when no
    transaction is open. Rows written before secrets were sealed hold the base32 text itself until
    `python -m auth_service.seal_secrets` seals them."""
    if not crypto.is_sealed(stored):
        return bytes(stored).decode("ascii")
    opened = _opened.get() or {}
    if (bytes(stored), user_id) in opened:
        return opened[(bytes(stored), user_id)]
    if in_transaction():
        raise SecretNotOpened(bytes(stored), user_id)
    return crypto.decrypt(stored, _context(user_id)).decode("ascii")


def in_transaction_opening_secrets(work: Callable[[UnitOfWork], T]) -> T:
    """`work` in a unit of work; when it needs a secret not opened yet, that unit of work rolls back (the use
    cases ask for the secret before they write anything), the secret is opened, and `work` runs again."""
    opened: dict[tuple[bytes, UUID], str] = {}
    token = _opened.set(opened)
    try:
        for _ in range(OPENING_ATTEMPTS - 1):
            try:
                with UnitOfWork() as uow:
                    return work(uow)
            except SecretNotOpened as needed:
                opened[(needed.stored, needed.user_id)] = open_secret(needed.stored, needed.user_id)
        with UnitOfWork() as uow:
            return work(uow)
    finally:
        _opened.reset(token)


def is_legacy(stored: bytes | None) -> bool:
    return stored is not None and not crypto.is_sealed(stored)


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def matching_step(secret: str, code: str, last_used_step: int | None, now: float | None = None) -> int | None:
    """The time step `code` belongs to (within the drift), or None; steps at or before the last used
    one are refused so a code cannot be replayed."""
    import pyotp

    code = code.strip().replace(" ", "")
    if not (is_ascii_digits(code) and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def enabled_step(user: User, code: str) -> int | None:
    """The time step `code` matches on the user's enabled TOTP secret, past the last one used; None if none."""
    if user.mfa_secret is None:
        return None
    return matching_step(open_secret(user.mfa_secret, user.id), code, user.mfa_last_step)
