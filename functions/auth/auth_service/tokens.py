"""Access tokens (RS256 JWTs signed in KMS with the current key) and opaque one-time/refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from auth_service.keys import key_ring
from auth_service.settings import get_auth_settings


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int
    jti: str


def issue_access_token(subject: str, roles: Iterable[str], *, ttl_seconds: int | None = None,
                       extra_claims: dict[str, Any] | None = None) -> AccessToken:
    """A JWT with sub, roles (JSON array), iss, aud, exp, iat, nbf, jti; `kid` names the signing key."""
    settings = get_auth_settings()
    ttl = ttl_seconds or settings.access_token_ttl_seconds
    now = int(time.time())
    jti = str(uuid.uuid4())
    claims: dict[str, Any] = {
        **(extra_claims or {}),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "roles": sorted(set(roles)),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": jti,
    }
    return AccessToken(token=key_ring().sign(claims), expires_in=ttl, jti=jti)


class SignedOnRead:
    """An access token signed (a KMS call in AWS) when first read, which the routes do once the use case's
    transaction has committed: no KMS call while a transaction is open (docs/architecture.md, the guard)."""

    def __init__(self, subject: str, roles: Iterable[str], *, ttl_seconds: int | None = None,
                 extra_claims: dict[str, Any] | None = None) -> None:
        self._subject, self._roles, self._ttl, self._claims = subject, list(roles), ttl_seconds, extra_claims

    @cached_property
    def _access(self) -> AccessToken:
        return issue_access_token(self._subject, self._roles, ttl_seconds=self._ttl, extra_claims=self._claims)

    @property
    def access_token(self) -> str:
        return self._access.token

    @property
    def expires_in(self) -> int:
        return self._access.expires_in


def new_opaque_token() -> str:
    """256 bits from the OS CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Opaque tokens carry 256 bits of entropy, so a plain SHA-256 is a safe lookup hash."""
    return hashlib.sha256(token.encode()).hexdigest()
