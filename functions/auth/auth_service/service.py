"""Use cases of the auth service: registration and activation, sessions (the one-time code at sign-in
included), password reset, roles, service clients. No HTTP and no SQL here; MFA's setup is in account_security.

Use cases whose failure must still persist something (a lockout, a revoked token family) return the
error instead of raising it, so the caller can commit first and raise afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from auth_service import mfa, passwords
from auth_service.errors import (
    AccountNotActive,
    InvalidClient,
    InvalidCredentials,
    InvalidMfaCode,
    InvalidOneTimeToken,
    InvalidRefreshToken,
    LoginLocked,
    MfaRequired,
    RefreshTokenReused,
    UserNotFound,
)
from auth_service.repository import (
    ClientRepository,
    LinkMailQuotaRepository,
    OneTimeTokenRepository,
    RefreshTokenRepository,
    UserRepository,
)
from auth_service.rows import User
from auth_service.session_client import SessionClient
from auth_service.settings import get_auth_settings
from auth_service.throttle import LoginThrottle
from auth_service.tokens import SignedOnRead, hash_token, new_opaque_token
from bank_shared.db import UnitOfWork
from bank_shared.errors import AppError, BadRequest, DependencyUnavailable
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import (
    LOGS_APP,
    USER_ACTIVATED,
    USER_LOCKED,
    USER_PASSWORD_CHANGED,
    USER_PASSWORD_RESET_REQUESTED,
    USER_REGISTERED,
)
from bank_shared.observability import count, logger
from bank_shared.one_time_links import ACTIVATION, PASSWORD_RESET, LinkKey
from bank_shared.phones import normalize_phone, phone_digit_forms
from bank_shared.sessions import revoke_sessions
from bank_shared.timestamps import utc_text

SERVICE = "auth"
USER_ROLES = frozenset({"customer", "employee", "admin"})


class MfaCodeRejected(BadRequest):
    code, title = "invalid_mfa_code", "The one-time code is not valid"


class TokenPair(SignedOnRead):
    """A session's tokens. The refresh token is stored in the use case's transaction; the access token is signed
    when first read, once that transaction has committed (tokens.SignedOnRead)."""

    def __init__(self, user_id: str, roles: list[str], family: UUID, refresh_token: str,
                 refresh_expires_in: int) -> None:
        super().__init__(user_id, roles, extra_claims={"sid": str(family)})
        self.refresh_token, self.refresh_expires_in = refresh_token, refresh_expires_in


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- registration


def register(uow: UnitOfWork, links: LinkKey, email: str, password: str, full_name: str, phone: str | None) -> None:
    """A pending customer plus an activation link (sent by notifications). A taken e-mail changes
    nothing and answers the same, after the same work (see `_absorb`), so registration reveals no accounts."""
    email = normalise_email(email)
    passwords.check_policy(password, email)
    _count_link_request(uow, email)  # counted for every address alike; the first activation mail always goes
    user_id = uuid.uuid4()
    created = UserRepository(uow.connection).add(
        user_id, email, passwords.hash_password(password), full_name.strip(), phone, ["customer"], "pending"
    )
    if not created:
        _absorb(uow, "register")
        return
    _send_activation(uow, links, user_id, email, full_name.strip(), resent=False)


def _count_link_request(uow: UnitOfWork, email: str) -> bool:
    """Count a request for a one-time-link mail to `email` (known or not); False once the address has had
    its hourly share, after which further requests are absorbed silently (one mailbox cannot be flooded)."""
    requests = LinkMailQuotaRepository(uow.connection).count_request(email)
    return requests <= get_auth_settings().link_mails_per_address_per_hour


def _absorb(uow: UnitOfWork, request: str) -> None:
    """A register/resend/forgot request that sends no mail (unknown or taken address, nothing pending, mail
    quota spent) still writes exactly one outbox event, relayed to Kafka after commit like the mail event
    it stands in for: a security log record (`logs.app`, forwarded to Splunk) that names neither the
    address nor the reason. Both paths then do the same work, so the answer time tells nothing (F7)."""
    record_event(uow, new_event(LOGS_APP, SERVICE, str(uuid.uuid4()), {
        "level": "INFO", "service": SERVICE, "message": "one-time link request absorbed", "request": request,
    }), topic=LOGS_APP)


def _new_link(uow: UnitOfWork, links: LinkKey, user_id: UUID, purpose: str, ttl_seconds: int) -> UUID:
    """A one-time link for `purpose`: only its token's hash is stored, and only its id leaves auth (the
    event names the link; notifications derives the token for the mail, see bank_shared.one_time_links). The key
    was read before the transaction opened (reading it is a network call)."""
    link_id = uuid.uuid4()
    OneTimeTokenRepository(uow.connection).add(hash_token(links.token(purpose, link_id)), user_id, purpose,
                                               ttl_seconds)
    return link_id


def _send_activation(uow: UnitOfWork, links: LinkKey, user_id: UUID, email: str, full_name: str, *,
                     resent: bool) -> None:
    ttl = get_auth_settings().activation_token_ttl_seconds
    link_id = _new_link(uow, links, user_id, ACTIVATION, ttl)
    record_event(uow, new_event(USER_REGISTERED, SERVICE, str(user_id), {
        "user_id": str(user_id), "email": email, "full_name": full_name, "link_id": str(link_id),
        "expires_in": ttl, "resent": resent,
    }))


def resend_activation(uow: UnitOfWork, links: LinkKey, email: str) -> None:
    """A fresh link for a pending user (older links stop working); silent for anyone else and past the
    address's hourly mail quota."""
    email = normalise_email(email)
    allowed = _count_link_request(uow, email)
    user = UserRepository(uow.connection).by_email(email, for_update=True)
    if user is None or user.status != "pending" or not allowed:
        _absorb(uow, "activation_resend")
        return
    OneTimeTokenRepository(uow.connection).invalidate(user.id, ACTIVATION)
    _send_activation(uow, links, user.id, user.email, user.full_name, resent=True)


def activate(uow: UnitOfWork, token: str) -> UUID:
    user_id = OneTimeTokenRepository(uow.connection).consume(hash_token(token), ACTIVATION)
    if user_id is None:
        raise InvalidOneTimeToken()
    activated = UserRepository(uow.connection).activate(user_id)
    if activated is None:
        raise InvalidOneTimeToken()
    record_event(uow, new_event(USER_ACTIVATED, SERVICE, str(user_id),
                                {"user_id": str(user_id), "email": activated.email}))
    return user_id


# --------------------------------------------------------------------------- sessions


def _issue_session(uow: UnitOfWork, user: User, family_id: UUID | None = None,
                   client: SessionClient | None = None, parent_id: UUID | None = None) -> TokenPair:
    settings = get_auth_settings()
    family, refresh = family_id or uuid.uuid4(), new_opaque_token()
    client = client or SessionClient()
    RefreshTokenRepository(uow.connection).add(uuid.uuid4(), hash_token(refresh), family, user.id,
                                               settings.refresh_token_ttl_seconds, client.client, client.ip_prefix,
                                               parent_id)
    return TokenPair(str(user.id), list(user.roles), family, refresh, settings.refresh_token_ttl_seconds)


def login(uow: UnitOfWork, throttle: LoginThrottle, email: str, password: str,
          totp: str | None, client: SessionClient | None = None) -> TokenPair | AppError:
    """Same answer for an unknown e-mail and a wrong password; failures count toward a lockout."""
    email = normalise_email(email)
    throttle.ensure_not_locked(email)
    users = UserRepository(uow.connection)
    user = users.by_email(email, for_update=True)
    valid = passwords.verify_password(user.password_hash if user else passwords.dummy_hash(), password)
    if user is None or not valid:
        return _login_failed(uow, throttle, email, user, InvalidCredentials())
    if user.locked_until is not None and users.still_locked(user.id):
        return LoginLocked("Try again later")
    if refused := second_factor_refused(uow, throttle, email, user, totp, MfaRequired(), InvalidMfaCode()):
        return refused
    if user.status != "active":
        return AccountNotActive("Activate the account from the e-mail link first"
                                if user.status == "pending" else "The account is disabled")
    throttle.record_success(email)
    users.clear_lock(user.id)
    if passwords.needs_rehash(user.password_hash):
        users.set_password(user.id, passwords.hash_password(password))
    return _issue_session(uow, user, client=client)


def _login_failed(uow: UnitOfWork, throttle: LoginThrottle, email: str, user: User | None,
                  error: AppError) -> AppError:
    locked_for = throttle.record_failure(email)
    count("LoginsFailed", reason=error.code)
    if locked_for is None:
        return error
    if user is not None:
        UserRepository(uow.connection).lock_for(user.id, locked_for)
        record_event(uow, new_event(USER_LOCKED, SERVICE, str(user.id), {
            "user_id": str(user.id), "reason": "too_many_failed_logins", "locked_for_seconds": locked_for,
        }))
    logger.warning("sign-in locked after repeated failures", extra={"locked_for_seconds": locked_for})
    count("LoginsLocked")
    return LoginLocked(f"Try again in {locked_for} s", headers={"Retry-After": str(locked_for)})


def second_factor_refused(uow: UnitOfWork, throttle: LoginThrottle, email: str, user: User, totp: str | None,
                          missing: AppError, rejected: AppError) -> AppError | None:
    """With MFA on, a missing one-time code is refused (`missing`) and a wrong or used one counts as a failed
    sign-in (`rejected`, or the lockout); a good code's time step is spent. None when the second factor holds."""
    if not user.mfa_enabled:
        return None
    if not totp:
        return missing
    step = mfa.enabled_step(user, totp)
    if step is None:
        return _login_failed(uow, throttle, email, user, rejected)
    UserRepository(uow.connection).use_mfa_step(user.id, step)
    return None


def refresh(uow: UnitOfWork, refresh_token: str, client: SessionClient | None = None) -> TokenPair | AppError:
    """Rotate: the presented token is spent and a new one in the same family is issued. A spent token is
    honoured once more within the grace window (docs/security.md); otherwise it revokes the whole family."""
    tokens = RefreshTokenRepository(uow.connection)
    row = tokens.lock_by_hash(hash_token(refresh_token))
    if row is None or row.revoked_at is not None or row.expired:
        return InvalidRefreshToken()
    if row.rotated_at and not tokens.accept_in_grace(row.id, get_auth_settings().refresh_reuse_grace_seconds):
        tokens.revoke_family(row.family_id)
        _end_sessions([row.family_id], strict=False)
        logger.warning("refresh token reuse detected; family revoked", extra={"family_id": str(row.family_id)})
        return RefreshTokenReused()
    user = UserRepository(uow.connection).get(row.user_id)
    if user is None or user.status != "active":
        tokens.revoke_family(row.family_id)
        _end_sessions([row.family_id], strict=False)
        return InvalidRefreshToken()
    tokens.mark_rotated(row.id)  # a token honoured within the grace window keeps its first rotation time
    return _issue_session(uow, user, family_id=row.family_id, client=client, parent_id=row.id)


def logout(uow: UnitOfWork, refresh_token: str) -> None:
    """Revoke the token's whole family, and its access tokens at once; unknown tokens are ignored (logout is
    idempotent: a retry after a 503 revokes again)."""
    tokens = RefreshTokenRepository(uow.connection)
    row = tokens.lock_by_hash(hash_token(refresh_token))
    if row is not None:
        tokens.revoke_family(row.family_id)
        _end_sessions([row.family_id], strict=True)


def _end_sessions(family_ids: Iterable[UUID], *, strict: bool) -> None:
    """Access tokens of these sessions stop working now (bank_shared.sessions), not when they expire.

    Strict (logout, password reset): inside the caller's transaction, before its commit, so when Redis is
    unreachable the request fails with 503 and nothing is committed; the client simply retries. Not strict
    (refresh-token reuse): the family's revocation in the database must commit whatever Redis does."""
    try:
        revoke_sessions([str(family) for family in family_ids], get_auth_settings().access_token_ttl_seconds)
    except Exception as error:  # Redis down or slow
        if strict:
            raise DependencyUnavailable("Signing out is temporarily unavailable; try again",
                                        dependency="redis", headers={"Retry-After": "1"}) from error
        logger.exception("could not revoke the access tokens of a revoked session")


# --------------------------------------------------------------------------- profile, MFA


def profile(uow: UnitOfWork, subject: str) -> dict[str, Any]:
    user_id = _uuid_or_none(subject)
    user = UserRepository(uow.connection).get(user_id) if user_id else None
    if user is None:
        raise UserNotFound()
    return _public(user)


def user_by_id(uow: UnitOfWork, user_id: UUID) -> dict[str, Any]:
    """Another service asking about a user (service role): the public profile."""
    user = UserRepository(uow.connection).get(user_id)
    if user is None:
        raise UserNotFound()
    return _public(user)


def active_users_by_phone(uow: UnitOfWork, phone: str, limit: int = 5) -> list[dict[str, Any]]:
    """Active users with this phone (several when a number is shared: the caller decides what that means)."""
    canonical = normalize_phone(phone)
    if canonical is None:
        return []
    forms = phone_digit_forms(canonical)  # "+7 900…", "8 900…" and "900…" are one number
    return [_public(user) for user in UserRepository(uow.connection).active_by_phone_digits(forms, limit)]


def _public(user: User) -> dict[str, Any]:
    keys = ("id", "email", "full_name", "phone", "status", "roles", "mfa_enabled", "created_at")
    return {key: getattr(user, key) for key in keys}


def _active_user(uow: UnitOfWork, subject: str) -> User:
    user_id = _uuid_or_none(subject)
    user = UserRepository(uow.connection).get(user_id, for_update=True) if user_id else None
    if user is None:
        raise UserNotFound()
    if user.status != "active":
        raise AccountNotActive()
    return user


# --------------------------------------------------------------------------- password reset


def forgot_password(uow: UnitOfWork, links: LinkKey, email: str) -> None:
    """Queue a reset link for an existing, non-disabled user within the address's hourly mail quota; silent
    otherwise, after the same work (see `_absorb`)."""
    email = normalise_email(email)
    allowed = _count_link_request(uow, email)
    user = UserRepository(uow.connection).by_email(email, for_update=True)
    if user is None or user.status == "disabled" or not allowed:
        _absorb(uow, "password_forgot")
        return
    _send_password_link(uow, links, user)


def _send_password_link(uow: UnitOfWork, links: LinkKey, user: User, *, welcome: bool = False) -> None:
    """A one-time password-set link (earlier ones stop working), mailed by notifications: the reset mail, or
    for a customer created in the office the welcome mail, whose link lives for days (`welcome_link_ttl_seconds`)."""
    settings = get_auth_settings()
    ttl = settings.welcome_link_ttl_seconds if welcome else settings.password_reset_token_ttl_seconds
    OneTimeTokenRepository(uow.connection).invalidate(user.id, PASSWORD_RESET)
    link_id = _new_link(uow, links, user.id, PASSWORD_RESET, ttl)
    record_event(uow, new_event(USER_PASSWORD_RESET_REQUESTED, SERVICE, str(user.id), {
        "user_id": str(user.id), "email": user.email, "full_name": user.full_name,
        "link_id": str(link_id), "expires_in": ttl, "welcome": welcome,
    }))


def reset_password(uow: UnitOfWork, token: str, new_password: str) -> None:
    """Single-use token → new password; every session of the user is revoked, access tokens included."""
    passwords.check_policy(new_password)
    user_id = OneTimeTokenRepository(uow.connection).consume(hash_token(token), PASSWORD_RESET)
    if user_id is None:
        raise InvalidOneTimeToken()
    UserRepository(uow.connection).set_password(user_id, passwords.hash_password(new_password))
    _end_sessions(RefreshTokenRepository(uow.connection).revoke_user(user_id), strict=True)
    # The notice (notifications mails it): who and when, never the password or the link.
    record_event(uow, new_event(USER_PASSWORD_CHANGED, SERVICE, str(user_id), {
        "user_id": str(user_id), "how": "reset_link",
        "changed_at": utc_text(datetime.now(UTC))}))


def client_credentials(uow: UnitOfWork, client_id: str, client_secret: str) -> SignedOnRead:
    """OAuth2 client-credentials grant: a short-lived token with the client's roles (`service`), signed when the
    route reads it, after this read-only transaction."""
    client = ClientRepository(uow.connection).get(client_id)
    stored = client.secret_hash if client else passwords.dummy_hash()
    if not passwords.verify_password(stored, client_secret) or client is None or not client.enabled:
        raise InvalidClient(error="invalid_client")
    return SignedOnRead(client_id, client.roles, ttl_seconds=get_auth_settings().service_token_ttl_seconds,
                        extra_claims={"client_id": client_id, "token_use": "service"})


def prune_link_mail_quota(uow: UnitOfWork) -> int:
    """The schedule drops mail-quota windows older than a day."""
    return LinkMailQuotaRepository(uow.connection).prune()
