"""Access tokens (RS256 JWTs signed with the current key) and opaque one-time/refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auth_service.keys import signing_keys
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
    current, _previous = signing_keys()
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
    import jwt  # with cryptography, ~0.1 s: paid by the first token issued, not by every cold start

    token = jwt.encode(claims, current.private_key, algorithm="RS256", headers={"kid": current.kid})
    return AccessToken(token=token, expires_in=ttl, jti=jti)


def new_opaque_token() -> str:
    """256 bits from the OS CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Opaque tokens carry 256 bits of entropy, so a plain SHA-256 is a safe lookup hash."""
    return hashlib.sha256(token.encode()).hexdigest()
