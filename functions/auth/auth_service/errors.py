"""The auth service's errors, each with a stable machine-readable code (mapped once by bank_shared)."""

from __future__ import annotations

from bank_shared.errors import AppError, BadRequest, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized


class InvalidCredentials(Unauthorized):
    code, title = "invalid_credentials", "Invalid e-mail or password"


class MfaRequired(Unauthorized):
    code, title = "mfa_required", "A one-time code from the authenticator app is required"


class InvalidMfaCode(Unauthorized):
    code, title = "invalid_mfa_code", "The one-time code is not valid"


class AccountNotActive(Forbidden):
    code, title = "account_not_active", "The account is not active"


class LoginLocked(TooManyRequests):
    code, title = "login_temporarily_locked", "Too many failed sign-in attempts; try again later"


class InvalidRefreshToken(Unauthorized):
    code, title = "invalid_refresh_token", "The refresh token is invalid, expired or revoked"


class RefreshTokenReused(Unauthorized):
    code, title = "refresh_token_reused", "The refresh token was already used; the session has been revoked"


class InvalidOneTimeToken(BadRequest):
    code, title = "invalid_token", "The link is invalid, expired or already used"


class WeakPassword(AppError):
    status, code, title = 422, "weak_password", "The password does not meet the policy"


class EmailTaken(Conflict):
    code, title = "email_taken", "A user with this e-mail already exists"


class UserNotFound(NotFound):
    code, title = "user_not_found", "User not found"


class MfaNotPending(Conflict):
    code, title = "mfa_setup_not_started", "Start MFA setup first"


class MfaAlreadyEnabled(Conflict):
    code, title = "mfa_already_enabled", "MFA is already enabled"


class MfaNotEnabled(Conflict):
    code, title = "mfa_not_enabled", "MFA is not enabled"


class InvalidClient(Unauthorized):
    code, title = "invalid_client", "Client authentication failed"


class UnsupportedGrantType(BadRequest):
    code, title = "unsupported_grant_type", "Only the client_credentials grant is supported here"


class WrongCurrentPassword(BadRequest):
    code, title = "wrong_current_password", "The current password is not correct"


class MfaCodeNeeded(BadRequest):
    code, title = "mfa_code_required", "Enter the one-time code from the authenticator app"


class PasswordReused(AppError):
    status, code, title = 422, "password_reused", "The new password must differ from the current one"


class SessionNotFound(NotFound):
    code, title = "session_not_found", "No such active session"
