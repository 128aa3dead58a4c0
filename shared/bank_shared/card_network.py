"""The card network's message signature, shared by the bank (which verifies it) and the local card-network
stand-in (which signs with it), so the two can never drift.

A network message is a JSON object posted to the bank; the header ``X-Network-Signature: t=<unix seconds>,
v1=<hex>`` carries HMAC-SHA256 over ``<t>.<raw body>`` with the key both sides share (the bank reads it from
Secrets Manager; docs/cards.md). A signature older or newer than ``MAX_SKEW_SECONDS`` is refused, so a
captured message cannot be replayed later (a replay within the window is harmless: every message is
idempotent on its RRN).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Network-Signature"
MAX_SKEW_SECONDS = 300


def sign(key: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for `body` signed with `key` at `timestamp` (now when absent)."""
    moment = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(key.encode(), str(moment).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={mac}"


def verify(key: str, body: bytes, header: str | None, now: int | None = None) -> bool:
    """True when `header` is a valid signature of `body` under `key`, made within the allowed skew."""
    if not header:
        return False
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        moment = int(parts.get("t", ""))
    except ValueError:
        return False
    current = int(time.time()) if now is None else now
    if abs(current - moment) > MAX_SKEW_SECONDS:
        return False
    expected = sign(key, body, moment).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
