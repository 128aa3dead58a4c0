"""Auth's typed rows (bank_shared.rows): what its repositories (auth_service.repository) return and its use cases
read. They live here, not in repository.py, which is at the size limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class User:
    """A row of `users` (the columns of _USER_COLUMNS but the search helper columns)."""

    id: UUID
    email: str
    password_hash: str
    full_name: str
    phone: str | None
    status: str
    roles: list[str]
    mfa_enabled: bool
    mfa_secret: bytes | None
    mfa_pending_secret: bytes | None
    mfa_last_step: int | None
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ActivatedUser:
    """Who `activate` just activated."""

    id: UUID
    email: str


@dataclass(frozen=True)
class RefreshToken:
    """A refresh token as `lock_by_hash` finds it; `expired` is the database clock's verdict."""

    id: UUID
    family_id: UUID
    user_id: UUID
    rotated_at: datetime | None
    revoked_at: datetime | None
    expired: bool


@dataclass(frozen=True)
class LiveSession:
    """A session (a refresh-token family) with a usable token: when it began, when it was last refreshed, and
    the client of its newest token."""

    id: UUID
    created_at: datetime
    last_used_at: datetime
    client: str | None
    ip_prefix: str | None


@dataclass(frozen=True)
class OAuthClient:
    """A service client of the client-credentials grant."""

    client_id: str
    secret_hash: str
    roles: list[str]
    enabled: bool


@dataclass(frozen=True)
class MfaSecrets:
    """A user's two stored TOTP secrets, as `unsealed_mfa_secrets` finds them."""

    id: UUID
    mfa_secret: bytes | None
    mfa_pending_secret: bytes | None


@dataclass(frozen=True)
class CustomerKyc:
    """A customer's KYC data as `KycRepository` reads it back: the document number only by its last four
    characters (the sealed number itself is never read)."""

    legal_name: str
    date_of_birth: date
    document_type: str
    document_last4: str
    address: str
    updated_at: datetime
