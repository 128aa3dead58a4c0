"""HTTP routes of the signed-in user's own security (issue 14): password change and active sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, SecretStr

from auth_service import account_security, mfa
from auth_service.settings import get_auth_settings
from auth_service.throttle import LoginThrottle
from bank_shared.auth import LivePrincipal
from bank_shared.db import UnitOfWork
from bank_shared.errors import AppError
from bank_shared.redis_client import get_redis

security = APIRouter(tags=["account"])


def password_throttle() -> LoginThrottle:
    """The sign-in lockout, per address: wrong current passwords count toward it as failed sign-ins do."""
    return LoginThrottle(get_redis, get_auth_settings())


class PasswordChangeRequest(BaseModel):
    current_password: SecretStr = Field(max_length=256)
    new_password: SecretStr = Field(max_length=256)
    totp: str | None = Field(default=None, max_length=10, description="Required when MFA is on")


class SessionsEnded(BaseModel):
    ended: int = Field(description="How many sessions were signed out")


class SessionView(BaseModel):
    id: UUID
    created_at: datetime
    last_used_at: datetime = Field(description="When its token was last issued (sign-in or refresh)")
    client: str | None = Field(description='A summary of the browser and system, e.g. "Chrome, Windows"')
    ip_prefix: str | None = Field(description="The network the session was last used from (/24 or /48)")
    current: bool = Field(description="The session of the token making this request")


class SessionList(BaseModel):
    items: list[SessionView]


@security.post("/password/change", response_model=SessionsEnded)
def change_password(request: PasswordChangeRequest, principal: LivePrincipal,
                    throttle: Annotated[LoginThrottle, Depends(password_throttle)]) -> SessionsEnded:
    """Change the password with the current one (+ the one-time code when MFA is on). The new one follows the
    sign-up rules (`weak_password` lists each rule broken) and differs from the current one (`password_reused`).
    Every other session is signed out; this one stays. A wrong current password (`wrong_current_password`) or
    code counts toward the sign-in lockout (429 `login_temporarily_locked`)."""
    outcome = mfa.in_transaction_opening_secrets(lambda uow: account_security.change_password(
        uow, throttle, principal.subject, principal.claims.get("sid"),
        request.current_password.get_secret_value(), request.new_password.get_secret_value(), request.totp))
    if isinstance(outcome, AppError):  # raised after the commit: the failure counted toward the lockout
        raise outcome
    return SessionsEnded(ended=outcome)


@security.get("/sessions", response_model=SessionList)
def sessions(principal: LivePrincipal) -> SessionList:
    """The caller's active sessions (signed in, not signed out, refresh token not expired), most recently used
    first; `current` marks this one."""
    with UnitOfWork() as uow:
        rows = account_security.list_sessions(uow, principal.subject, principal.claims.get("sid"))
    return SessionList(items=[SessionView.model_validate(row) for row in rows])


@security.delete("/sessions/{session_id}", response_model=SessionsEnded)
def end_session(session_id: UUID, principal: LivePrincipal) -> SessionsEnded:
    """Sign out one of the caller's sessions (another device): its refresh token stops working and its access
    tokens are refused at once (401 `session_revoked`). Someone else's session is 404 `session_not_found`."""
    with UnitOfWork() as uow:
        account_security.end_session(uow, principal.subject, session_id)
    return SessionsEnded(ended=1)


@security.post("/sessions/revoke-others", response_model=SessionsEnded)
def end_other_sessions(principal: LivePrincipal) -> SessionsEnded:
    """Sign out every session of the caller except this one."""
    with UnitOfWork() as uow:
        ended = account_security.end_other_sessions(uow, principal.subject, principal.claims.get("sid"))
    return SessionsEnded(ended=ended)
