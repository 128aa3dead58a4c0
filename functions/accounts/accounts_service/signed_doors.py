"""The doors other parties post to without a bearer token: the card network's messages (card_api) and the
acquirer's webhook (card_topups_api). Each request's raw body must carry an HMAC signature in the party's header
(`bank_shared.card_network`'s scheme, which the acquirer's shares: compared in constant time, made within the
allowed clock skew) under the key kept in the party's Secrets Manager secret; anything else is the door's 401."""

from __future__ import annotations

from fastapi import Request

from bank_shared.aws import secret_json
from bank_shared.card_network import verify
from bank_shared.errors import Unauthorized


async def require_signature(request: Request, *, secret_id: str, key_field: str, header: str,
                            refusal: type[Unauthorized]) -> None:
    """Raise `refusal` unless `header` signs the raw body with the secret's `key_field` (no key: refused)."""
    key = str(secret_json(secret_id).get(key_field, ""))
    if not key or not verify(key, await request.body(), request.headers.get(header)):
        raise refusal()
