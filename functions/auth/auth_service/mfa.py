"""TOTP (RFC 6238) through pyotp: 30-second steps, one step of clock drift, no code accepted twice."""

from __future__ import annotations

import time

from bank_shared.money import is_ascii_digits

STEP_SECONDS = 30
DRIFT_STEPS = 1


def new_secret() -> str:
    import pyotp  # loaded by the MFA routes that use it, not at cold start

    return pyotp.random_base32()


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
