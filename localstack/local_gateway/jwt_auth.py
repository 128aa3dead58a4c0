"""The HTTP API JWT authorizer, checked the way API Gateway checks it.

Keys come from ``<issuer>/.well-known/openid-configuration`` → ``jwks_uri``; they are cached per
issuer and refetched (rate-limited) when a token names a ``kid`` the cache does not know. Only RS256
is accepted, so ``alg: none`` and HS256-with-the-public-key tricks fail before any key is used.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from .template import JwtAuthorizerSpec

log = logging.getLogger("local_gateway.jwt")

FetchJson = Callable[[str], Awaitable[Any]]
LEEWAY_SECONDS = 5
REFETCH_INTERVAL_SECONDS = 10.0
FAILED_FETCH_RETRY_SECONDS = 1.0
ALLOWED_ALGORITHMS = ("RS256",)


class AuthError(Exception):
    """Authorization failed; ``description`` goes into the www-authenticate header."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class ScopeError(AuthError):
    """Token is valid but lacks a scope the route requires (403 in API Gateway)."""


@dataclass
class AuthResult:
    claims: dict[str, str]
    scopes: list[str] | None

    def as_authorizer(self) -> dict[str, Any]:
        return {"jwt": {"claims": self.claims, "scopes": self.scopes}}


@dataclass
class _KeySet:
    keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    fetched_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def stringify_claim(value: Any) -> str:
    """API Gateway hands claims to the function as strings, arrays as ``[a b]`` (Go formatting)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(stringify_claim(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = " ".join(f"{k}:{stringify_claim(v)}" for k, v in sorted(value.items()))
        return f"map[{inner}]"
    return str(value)


def extract_token(headers: Mapping[str, str], identity_source: str) -> str | None:
    """Read the identity source (``$request.header.X``) and strip an optional Bearer prefix."""
    prefix = "$request.header."
    header = identity_source[len(prefix):] if identity_source.startswith(prefix) else "Authorization"
    raw = headers.get(header.lower())
    if not raw:
        return None
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    return raw or None


def _scopes(claims: Mapping[str, Any]) -> list[str] | None:
    raw = claims.get("scope", claims.get("scp"))
    if raw is None:
        return None
    if isinstance(raw, list):
        return [str(s) for s in raw]
    return str(raw).split()


def _audience_ok(claims: Mapping[str, Any], audiences: list[str]) -> bool:
    # API Gateway accepts a match on `aud`, or on `client_id` when the token has no `aud`.
    aud = claims.get("aud", claims.get("client_id"))
    values = aud if isinstance(aud, list) else [aud]
    return any(str(v) in audiences for v in values if v is not None)


class JwtVerifier:
    def __init__(self, fetch_json: FetchJson, now: Callable[[], float] = time.time) -> None:
        self._fetch_json = fetch_json
        self._now = now
        self._key_sets: dict[str, _KeySet] = {}

    async def authorize(self, spec: JwtAuthorizerSpec, headers: Mapping[str, str],
                        required_scopes: list[str] | None = None) -> AuthResult:
        token = extract_token(headers, spec.identity_source)
        if token is None:
            raise AuthError("missing token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise AuthError(f"signing algorithm {header.get('alg')!r} is not supported")
        kid = header.get("kid")
        if not kid:
            raise AuthError("token has no kid")
        key = await self._key(spec.issuer, str(kid))
        claims = self._decode(token, key, spec)
        scopes = _scopes(claims)
        if required_scopes and not set(required_scopes) & set(scopes or []):
            raise ScopeError("token does not have the required scopes")
        return AuthResult({k: stringify_claim(v) for k, v in claims.items()}, scopes)

    def _decode(self, token: str, key: jwt.PyJWK, spec: JwtAuthorizerSpec) -> dict[str, Any]:
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=list(ALLOWED_ALGORITHMS),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp"], "verify_aud": False, "verify_iss": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("the token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError("the token is not valid yet") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        if claims.get("iss") != spec.issuer:
            raise AuthError("the token has an invalid issuer")
        if not _audience_ok(claims, spec.audiences):
            raise AuthError("the token does not have a valid audience")
        return claims

    # --- key cache -------------------------------------------------------------------------------

    async def _key(self, issuer: str, kid: str) -> jwt.PyJWK:
        if not issuer:
            raise AuthError("authorizer has no issuer")
        key_set = self._key_sets.setdefault(issuer, _KeySet())
        if kid in key_set.keys:
            return key_set.keys[kid]
        async with key_set.lock:
            stale = self._now() - key_set.fetched_at >= REFETCH_INTERVAL_SECONDS
            if kid not in key_set.keys and stale:
                await self._refresh(issuer, key_set)
        if kid not in key_set.keys:
            raise AuthError("no signing key matches the token's kid")
        return key_set.keys[kid]

    async def _refresh(self, issuer: str, key_set: _KeySet) -> None:
        key_set.fetched_at = self._now()
        try:
            discovery = await self._fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
            jwks = await self._fetch_json(str(discovery["jwks_uri"]))
            keys = {}
            for jwk in jwks.get("keys", []):
                if jwk.get("kid") and jwk.get("kty") == "RSA" and jwk.get("use", "sig") == "sig":
                    keys[str(jwk["kid"])] = jwt.PyJWK(jwk, algorithm="RS256")
        except Exception as exc:  # noqa: BLE001 - any transport/format error means "no keys yet"
            log.warning("JWKS fetch for issuer %s failed: %r", issuer, exc)
            # A failed fetch may be retried after a second rather than the full interval.
            key_set.fetched_at = self._now() - REFETCH_INTERVAL_SECONDS + FAILED_FETCH_RETRY_SECONDS
            return
        key_set.keys = keys
        log.info("JWKS for %s loaded: %d key(s)", issuer, len(keys))


def www_authenticate(description: str) -> str:
    """Header value in the form HTTP API sends with a 401."""
    return f'Bearer scope="" error="invalid_token" error_description={json.dumps(description)}'
