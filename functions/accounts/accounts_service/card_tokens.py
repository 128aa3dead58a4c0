"""Card-number tokens: HMAC-SHA256 of the PAN computed inside KMS with an HMAC_256 key (`GenerateMac`), so
the key never exists outside KMS. The same PAN always gives the same token (64 hex digits): the token is
what `cards.pan_token UNIQUE` compares, and it reveals nothing about the PAN without the key.

The key must never change under a running bank (KMS HMAC keys do not rotate, and the alias must not be
moved): tokens of existing cards would stop matching new ones (docs/keys.md).
"""

from __future__ import annotations

from accounts_service.settings import get_accounts_settings
from bank_shared.kms import call

MAC_ALGORITHM = "HMAC_SHA_256"


def pan_token(pan: str) -> str:
    """The keyed token of `pan` (one KMS call)."""
    response = call("generate_mac", KeyId=get_accounts_settings().card_token_key_id, Message=pan.encode("ascii"),
                    MacAlgorithm=MAC_ALGORITHM)
    return bytes(response["Mac"]).hex()
