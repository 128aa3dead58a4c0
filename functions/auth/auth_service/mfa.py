"""TOTP (RFC 6238) through pyotp: 30-second steps, one step of clock drift, no code accepted twice.

Secrets rest in `auth.users` sealed with the data key (bank_shared.crypto, KMS envelope encryption) under a
context naming the user, so a sealed secret copied to another user's row does not open.
"""

from __future__ import annotations

import time
from uuid import UUID

from auth_service.settings import get_auth_settings
from bank_shared import crypto
from bank_shared.money import is_ascii_digits
from bank_shared.transaction_guard import network_call_allowed

STEP_SECONDS = 30
DRIFT_STEPS = 1


SECRET_PURPOSE = "auth.users.totp_secret"  # the active and the pending secret: confirming moves it unchanged


def new_secret() -> str:
    import pyotp  # loaded by the MFA routes that use it, not at cold start

    return pyotp.random_base32()


def _context(user_id: UUID) -> dict[str, str]:
    return {"purpose": SECRET_PURPOSE, "user_id": str(user_id)}


# Sign-in and enrolment read and write the secret while the user's row is locked (the lock is what makes a code
# single-use): the KMS call sits inside auth's route-owned transaction. An exception docs/architecture.md names.
KMS_IN_ROUTE_TRANSACTION = "auth's MFA secret is sealed/opened while the user's row is locked"


def seal_secret(secret: str, user_id: UUID) -> bytes:
    """The secret as it is stored: one GenerateDataKey call, AES-GCM here."""
    with network_call_allowed(KMS_IN_ROUTE_TRANSACTION):
        return crypto.encrypt(secret.encode("ascii"), _context(user_id), key_id=get_auth_settings().data_key_id)


def open_secret(stored: bytes, user_id: UUID) -> str:
    """The base32 secret of a stored value (one Decrypt call). Rows written before secrets were sealed
    hold the base32 text itself until `python -m auth_service.seal_secrets` seals them."""
    if crypto.is_sealed(stored):
        with network_call_allowed(KMS_IN_ROUTE_TRANSACTION):
            return crypto.decrypt(stored, _context(user_id)).decode("ascii")
    return bytes(stored).decode("ascii")


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
