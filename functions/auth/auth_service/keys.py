"""RS256 signing keys: the current and the previous key live in one Secrets Manager secret, so a
rotation keeps tokens signed with the previous key valid until they expire."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from auth_service.settings import get_auth_settings
from bank_shared.aws import secret_json


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: RSAPrivateKey

    @property
    def public_key(self) -> RSAPublicKey:
        return self.private_key.public_key()


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def public_jwk(key: SigningKey) -> dict[str, str]:
    numbers = key.public_key.public_numbers()
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": key.kid,
            "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def _load(entry: dict[str, Any] | None) -> SigningKey | None:
    if not entry:
        return None
    private_key = serialization.load_pem_private_key(entry["private_key_pem"].encode(), password=None)
    if not isinstance(private_key, RSAPrivateKey):
        raise ValueError("the signing key must be RSA")
    return SigningKey(kid=str(entry["kid"]), private_key=private_key)


@lru_cache(maxsize=1)
def signing_keys() -> tuple[SigningKey, SigningKey | None]:
    """(current, previous) from Secrets Manager, cached for the execution environment."""
    secret = secret_json(get_auth_settings().jwt_keys_secret_id)
    current = _load(secret.get("current"))
    if current is None:
        raise RuntimeError("the signing-key secret has no current key")
    return current, _load(secret.get("previous"))


def jwks() -> dict[str, list[dict[str, str]]]:
    current, previous = signing_keys()
    keys = [public_jwk(current)] + ([public_jwk(previous)] if previous else [])
    return {"keys": keys}
