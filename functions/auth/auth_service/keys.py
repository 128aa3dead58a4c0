"""RS256 signing keys: the current and the previous key live in one Secrets Manager secret, so a
rotation keeps tokens signed with the previous key valid until they expire.

The secret is re-read at most every `signing_keys_cache_seconds`, so warm functions pick up a rotation
without a redeploy.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from auth_service.settings import get_auth_settings
from bank_shared.aws import client
from bank_shared.snapstart import reset_on_restore

if TYPE_CHECKING:  # cryptography loads with the first key, not at cold start
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: RSAPrivateKey

    @property
    def public_key(self) -> RSAPublicKey:
        return self.private_key.public_key()


_lock = threading.Lock()
_cached: tuple[float, tuple[SigningKey, SigningKey | None]] | None = None


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
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    private_key = serialization.load_pem_private_key(entry["private_key_pem"].encode(), password=None)
    if not isinstance(private_key, RSAPrivateKey):
        raise ValueError("the signing key must be RSA")
    return SigningKey(kid=str(entry["kid"]), private_key=private_key)


def read_secret() -> dict[str, Any]:
    response = client("secretsmanager").get_secret_value(SecretId=get_auth_settings().jwt_keys_secret_id)
    value: dict[str, Any] = json.loads(response["SecretString"])
    return value


def signing_keys() -> tuple[SigningKey, SigningKey | None]:
    """(current, previous) from Secrets Manager, cached for a short while."""
    global _cached
    with _lock:
        ttl = get_auth_settings().signing_keys_cache_seconds
        if _cached is not None and time.monotonic() - _cached[0] < ttl:
            return _cached[1]
        secret = read_secret()
        current = _load(secret.get("current"))
        if current is None:
            raise RuntimeError("the signing-key secret has no current key")
        _cached = (time.monotonic(), (current, _load(secret.get("previous"))))
        return _cached[1]


@reset_on_restore
def forget_keys() -> None:
    global _cached
    _cached = None


def jwks() -> dict[str, list[dict[str, str]]]:
    current, previous = signing_keys()
    keys = [public_jwk(current)] + ([public_jwk(previous)] if previous else [])
    return {"keys": keys}


def new_key_entry() -> dict[str, str]:
    """A fresh 2048-bit RSA key in the secret's entry format."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    kid = f"auth-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{secrets.token_hex(4)}"
    return {"kid": kid, "private_key_pem": pem}


def rotate() -> dict[str, str | None]:
    """current → previous, a new key becomes current; returns the kids (never key material)."""
    secret = read_secret()
    new_entry = new_key_entry()
    rotated = {"current": new_entry, "previous": secret.get("current")}
    client("secretsmanager").put_secret_value(SecretId=get_auth_settings().jwt_keys_secret_id,
                                              SecretString=json.dumps(rotated))
    forget_keys()
    previous = secret.get("current") or {}
    return {"current": new_entry["kid"], "previous": previous.get("kid")}
