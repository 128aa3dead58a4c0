"""One-time links (account activation, password set/reset) without the secret ever travelling in an event.

auth creates a link as a random `link_id` and stores only the hash of the link's token; the event it
publishes names the `link_id`. The token itself is derived from the link id with a key only auth and
notifications can read (HMAC-SHA256), so notifications can write the mail, while a reader of Kafka, of an
outbox row or of a stored mail body learns nothing that opens the link.

Reading the key is a Secrets Manager call, so a use case that creates links inside its transaction is handed
the key (`link_key()`, read by the route before the transaction opens) and derives tokens with `LinkKey.token`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from uuid import UUID

from bank_shared.aws import secret_json
from bank_shared.settings import get_settings

ACTIVATION, PASSWORD_RESET = "activation", "password_reset"
PURPOSES = frozenset({ACTIVATION, PASSWORD_RESET})
REDACTED = "[redacted]"


@dataclass(frozen=True)
class LinkKey:
    """The one-time link key, read once per request before any transaction (never shown in a repr)."""

    key: bytes = field(repr=False)

    def token(self, purpose: str, link_id: UUID) -> str:
        """The token of link `link_id` (256 bits, URL-safe): the same for the same link, unguessable without the
        key."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown one-time link purpose {purpose!r}")
        digest = hmac.new(self.key, f"{purpose}:{link_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def link_key() -> LinkKey:
    """The key from Secrets Manager (cached, see `bank_shared.aws.secret_json`); no transaction may be open."""
    secret = secret_json(get_settings().one_time_link_key_secret_id)
    key = str(secret.get("key") or "")
    if len(key) < 32:
        raise RuntimeError("the one-time link key secret must hold a 'key' of at least 32 characters")
    return LinkKey(key.encode())


def link_token(purpose: str, link_id: UUID) -> str:
    """The token of link `link_id`, reading the key now (outside a transaction, e.g. notifications' sender)."""
    return link_key().token(purpose, link_id)
