"""Use cases of the signed-in user's own security (issue 14): change the password, list the active sessions,
sign one out remotely, sign out every other session; set up, confirm and turn off MFA. No HTTP and no SQL here.

A wrong current password (or one-time code) counts toward the same per-address lockout as a failed sign-in
(auth_service.throttle), so a stolen access token cannot be used to guess the password. Like sign-in, those
failures are returned rather than raised: the lockout must commit before the error is answered.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from auth_service import mfa, passwords
from auth_service.errors import (
    MfaAlreadyEnabled,
    MfaCodeNeeded,
    MfaNotEnabled,
    MfaNotPending,
    PasswordReused,
    SessionNotFound,
    UserNotFound,
    WrongCurrentPassword,
)
from auth_service.repository import RefreshTokenRepository, UserRepository
from auth_service.service import (
    SERVICE,
    MfaCodeRejected,
    _active_user,
    _end_sessions,
    _login_failed,
    _uuid_or_none,
    second_factor_refused,
)
from auth_service.settings import get_auth_settings
from auth_service.throttle import LoginThrottle
from bank_shared.db import UnitOfWork
from bank_shared.errors import AppError
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import USER_PASSWORD_CHANGED
from bank_shared.observability import count, logger
from bank_shared.timestamps import utc_text

MAX_SESSIONS_LISTED = 50


def _session_id(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def change_password(uow: UnitOfWork, throttle: LoginThrottle, subject: str, current_session: object,
                    current_password: str, new_password: str, totp: str | None) -> int | AppError:
    """The current password (and the one-time code when MFA is on) proves the person; the new one follows the
    sign-up rules and differs from the current one. Every other session ends now, this one stays; returns how
    many ended."""
    user = _active_user(uow, subject)
    email = user.email
    throttle.ensure_not_locked(email)
    if not passwords.verify_password(user.password_hash, current_password):
        return _login_failed(uow, throttle, email, user, WrongCurrentPassword())
    if refused := second_factor_refused(uow, throttle, email, user, totp, MfaCodeNeeded(), MfaCodeRejected()):
        return refused
    passwords.check_policy(new_password, email)
    if passwords.verify_password(user.password_hash, new_password):
        raise PasswordReused()
    UserRepository(uow.connection).set_password(user.id, passwords.hash_password(new_password))
    keep = _session_id(current_session)
    ended = RefreshTokenRepository(uow.connection).revoke_user_except(user.id, keep)
    _end_sessions(ended, strict=True)
    record_event(uow, new_event(USER_PASSWORD_CHANGED, SERVICE, str(user.id), {
        "user_id": str(user.id), "how": "password_change",
        "changed_at": utc_text(datetime.now(UTC))}))
    logger.info("password changed by its owner", extra={"user_id": str(user.id), "sessions_ended": len(ended)})
    count("PasswordsChanged")
    return len(ended)


def list_sessions(uow: UnitOfWork, subject: str, current_session: object) -> list[dict[str, Any]]:
    """The user's live sessions, newest use first; `current` marks the one this token belongs to."""
    user = _active_user(uow, subject)
    current = _session_id(current_session)
    rows = RefreshTokenRepository(uow.connection).live_sessions(user.id, MAX_SESSIONS_LISTED)
    return [{**asdict(row), "current": row.id == current} for row in rows]


def end_session(uow: UnitOfWork, subject: str, session_id: UUID) -> None:
    """Sign one of the user's own sessions out: its refresh token stops working and its access tokens are
    refused by every live check at once. Another user's session is not found, as an unknown one."""
    user = _active_user(uow, subject)
    if not RefreshTokenRepository(uow.connection).revoke_user_family(user.id, session_id):
        raise SessionNotFound()
    _end_sessions([session_id], strict=True)
    logger.info("session signed out remotely", extra={"user_id": str(user.id), "session_id": str(session_id)})


def end_other_sessions(uow: UnitOfWork, subject: str, current_session: object) -> int:
    """Sign out every session of the user but this one; how many ended."""
    user = _active_user(uow, subject)
    ended = RefreshTokenRepository(uow.connection).revoke_user_except(user.id, _session_id(current_session))
    _end_sessions(ended, strict=True)
    logger.info("other sessions signed out", extra={"user_id": str(user.id), "sessions_ended": len(ended)})
    return len(ended)


def new_mfa_secret(subject: str) -> mfa.NewSecret:
    """A new TOTP secret for `mfa_setup`, sealed (KMS) before its transaction opens."""
    user_id = _uuid_or_none(subject)
    if user_id is None:
        raise UserNotFound()
    return mfa.new_sealed_secret(user_id)


def mfa_setup(uow: UnitOfWork, subject: str, new: mfa.NewSecret) -> tuple[str, str]:
    """`new` becomes the pending TOTP secret; returns it and its otpauth:// URI. MFA is on only after a
    confirmed code."""
    user = _active_user(uow, subject)
    if user.mfa_enabled:
        raise MfaAlreadyEnabled()
    UserRepository(uow.connection).set_mfa_pending(user.id, new.sealed)
    return new.secret, mfa.provisioning_uri(new.secret, user.email, get_auth_settings().mfa_issuer_name)


def mfa_confirm(uow: UnitOfWork, subject: str, code: str) -> None:
    user = _active_user(uow, subject)
    if user.mfa_enabled:
        raise MfaAlreadyEnabled()
    if not user.mfa_pending_secret:
        raise MfaNotPending()
    step = mfa.matching_step(mfa.open_secret(user.mfa_pending_secret, user.id), code, None)
    if step is None:
        raise MfaCodeRejected()
    UserRepository(uow.connection).enable_mfa(user.id, user.mfa_pending_secret, step)


def mfa_disable(uow: UnitOfWork, subject: str, code: str) -> None:
    user = _active_user(uow, subject)
    if not user.mfa_enabled:
        raise MfaNotEnabled()
    # A used code is refused here as at sign-in (RFC 6238 §5.2): the code that just signed someone in,
    # read over a shoulder, must not also switch the second factor off.
    if mfa.enabled_step(user, code) is None:
        raise MfaCodeRejected()
    UserRepository(uow.connection).disable_mfa(user.id)
