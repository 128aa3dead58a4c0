"""The card acquirer's webhook signature, shared by the bank (which verifies it) and the local acquirer stand-in
(which signs with it), so the two can never drift (docs/payments.md "Money in").

The acquirer posts each payment event to the bank with ``X-Acquirer-Signature: t=<unix seconds>,v1=<hex>``:
HMAC-SHA256 over ``<t>.<raw body>`` with the webhook key both sides share (the bank reads it from Secrets
Manager). The scheme is the card network's (``bank_shared.card_network``: one implementation, compared in
constant time, refused outside ``MAX_SKEW_SECONDS`` so a captured webhook cannot be replayed later; a replay
within the window is harmless: the bank applies each payment's outcome once).
"""

from __future__ import annotations

from bank_shared.card_network import MAX_SKEW_SECONDS, sign, verify

SIGNATURE_HEADER = "X-Acquirer-Signature"
IDEMPOTENCE_HEADER = "Idempotence-Key"  # the acquirer API's own spelling (as YooKassa's)

__all__ = ["IDEMPOTENCE_HEADER", "MAX_SKEW_SECONDS", "SIGNATURE_HEADER", "mask_pan", "sign", "verify"]


def mask_pan(pan: str) -> str:
    """The only form a card number is ever kept or shown in: the first six and the last four digits."""
    digits = "".join(ch for ch in pan if ch.isdigit())
    return f"{digits[:6]}******{digits[-4:]}" if len(digits) >= 12 else "****"
