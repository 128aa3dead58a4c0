"""RS256 access tokens signed by asymmetric KMS keys: the private key never leaves KMS.

Three aliases name the keys (docs/keys.md): `<alias>` signs (JWT_SIGNING_KEY_ID), `<alias>-previous` is
the key it replaced (still published, so the tokens it signed verify until they expire) and `<alias>-next`
is a key being introduced (published before it signs, so no verifier meets an unknown kid). A token's
`kid` is the KMS key id (the UUID in the key's ARN), so an operator can find the key from any token.

Signing a token is one KMS call (`Sign`, MessageType DIGEST of the JWS signing input). Public keys come
from `GetPublicKey` and are cached for SIGNING_KEYS_CACHE_SECONDS per execution environment, so warm
functions pick up a rotation without a redeploy and the JWKS costs no KMS call on most requests.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from auth_service.settings import get_auth_settings
from bank_shared.kms import b64url, call, error_code
from bank_shared.snapstart import reset_on_restore

if TYPE_CHECKING:  # cryptography loads with the first key, not at cold start
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

KmsCall = Callable[..., dict[str, Any]]  # (operation, **params) → response, like bank_shared.kms.call
SIGNING_ALGORITHM = "RSASSA_PKCS1_V1_5_SHA_256"  # = JOSE RS256
SLOTS = ("current", "previous", "next")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    arn: str  # as GetPublicKey names it (the key ARN in AWS and LocalStack; moto gives the bare key id)
    public_key: RSAPublicKey

    def jwk(self) -> dict[str, str]:
        numbers = self.public_key.public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64url(_unsigned_bytes(numbers.n)), "e": b64url(_unsigned_bytes(numbers.e))}


@dataclass(frozen=True)
class KeyAliases:
    """Where each slot's key is found: key ids, ARNs or aliases; only an alias can rotate."""

    current: str
    previous: str | None = None
    next: str | None = None

    @classmethod
    def of(cls, current: str) -> KeyAliases:
        if current.startswith("alias/"):
            return cls(current, f"{current}-previous", f"{current}-next")
        return cls(current)

    def slot(self, name: str) -> str | None:
        value: str | None = getattr(self, name)
        return value


def _unsigned_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def kid_of(key_arn: str) -> str:
    """The KMS key id (UUID) in a key ARN."""
    return key_arn.rsplit("/", 1)[-1]


class KeyRing:
    """The keys of the three slots with their public halves cached for `max_age_seconds`."""

    def __init__(self, aliases: KeyAliases, max_age_seconds: float, kms: KmsCall = call,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.aliases = aliases
        self.max_age_seconds = max_age_seconds
        self._kms = kms
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, SigningKey | None]] = {}

    def key(self, slot: str) -> SigningKey | None:
        """The slot's key, or None when its alias does not exist (no rotation under way)."""
        reference = self.aliases.slot(slot)
        if reference is None:
            return None
        with self._lock:
            cached = self._cache.get(slot)
            if cached is not None and self._clock() - cached[0] < self.max_age_seconds:
                return cached[1]
        found = self._fetch(reference, required=slot == "current")
        with self._lock:
            self._cache[slot] = (self._clock(), found)
        return found

    def _fetch(self, reference: str, *, required: bool) -> SigningKey | None:
        from botocore.exceptions import ClientError
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

        try:
            response = self._kms("get_public_key", KeyId=reference)
        except ClientError as error:
            if error_code(error) == "NotFoundException" and not required:
                return None
            raise
        public_key = serialization.load_der_public_key(response["PublicKey"])
        if not isinstance(public_key, RSAPublicKey) or SIGNING_ALGORITHM not in response.get("SigningAlgorithms", []):
            raise RuntimeError(f"KMS key {reference} is not an RSA signing key for {SIGNING_ALGORITHM}")
        return SigningKey(kid=kid_of(response["KeyId"]), arn=response["KeyId"], public_key=public_key)

    def current(self) -> SigningKey:
        key = self.key("current")
        assert key is not None  # required: a missing current key raises in _fetch
        return key

    def published(self) -> list[SigningKey]:
        """Every key a verifier may meet: current, previous and next (each once)."""
        found: dict[str, SigningKey] = {}
        for slot in SLOTS:
            key = self.key(slot)
            if key is not None:
                found.setdefault(key.kid, key)
        return list(found.values())

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact JWS (RS256) of `claims`, signed by the current key in one KMS call."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        key = self.current()
        header = {"alg": "RS256", "typ": "JWT", "kid": key.kid}
        signing_input = f"{_segment(header)}.{_segment(claims)}".encode("ascii")
        response = self._kms("sign", KeyId=key.arn, Message=hashlib.sha256(signing_input).digest(),
                             MessageType="DIGEST", SigningAlgorithm=SIGNING_ALGORITHM)
        signature: bytes = response["Signature"]
        if kid_of(str(response.get("KeyId"))) != key.kid:
            raise RuntimeError("KMS signed with another key than the one named in the token")
        # Costs ~0.05 ms and means a token that fails verification is never handed out.
        key.public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input.decode('ascii')}.{b64url(signature)}"

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    """The execution environment's key ring, configured from the auth settings."""
    settings = get_auth_settings()
    return KeyRing(KeyAliases.of(settings.jwt_signing_key_id), settings.signing_keys_cache_seconds)


@reset_on_restore
def forget_keys() -> None:
    """Forget the key ring (tests; after a SnapStart restore the public keys' cache clocks start afresh)."""
    key_ring.cache_clear()


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [key.jwk() for key in key_ring().published()]}
