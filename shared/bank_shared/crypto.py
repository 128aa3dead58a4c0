"""Envelope encryption of reversible secrets at rest (TOTP secrets, …) with a KMS key.

`encrypt` asks KMS for a fresh 256-bit data key (`GenerateDataKey`, one call), seals the plaintext with
AES-256-GCM here in the function, and keeps only the KMS-encrypted copy of the data key next to the
ciphertext; `decrypt` has KMS decrypt that copy (`Decrypt`, one call) and opens the seal. The plaintext
data key never leaves memory.

The encryption context binds a ciphertext to its place (e.g. `{"purpose": "auth.users.totp_secret",
"user_id": "…"}`): KMS refuses to decrypt the data key under any other context, and the same context is
the AES-GCM associated data, so a ciphertext copied to another row or column does not open. The context
is not secret (KMS logs it in CloudTrail): never put a secret in it.

Sealed format (bytes): version 0x01 | 2-byte big-endian length of the encrypted data key | encrypted data
key | 12-byte nonce | AES-GCM ciphertext with its 16-byte tag.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Mapping

from bank_shared.errors import AppError
from bank_shared.kms import call, error_code

VERSION = 1
NONCE_BYTES = 12
_HEADER = struct.Struct(">BH")  # version, length of the encrypted data key


class SealedDataInvalid(AppError):
    """The stored ciphertext does not open under its context: tampered, moved, or truncated."""

    code, title = "sealed_data_invalid", "Stored protected data could not be read"


def _associated_data(context: Mapping[str, str]) -> bytes:
    return f"bank-envelope-v{VERSION}\n".encode() + json.dumps(dict(context), sort_keys=True,
                                                              separators=(",", ":")).encode()


def _checked(context: Mapping[str, str]) -> dict[str, str]:
    if not context or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in context.items()):
        raise ValueError("the encryption context must be a non-empty mapping of non-empty strings")
    return dict(context)


def encrypt(plaintext: bytes, context: Mapping[str, str], *, key_id: str) -> bytes:
    """Seal `plaintext` under a new data key of KMS key `key_id` (id, ARN or alias), bound to `context`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    context = _checked(context)
    data_key = call("generate_data_key", KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    encrypted_key: bytes = data_key["CiphertextBlob"]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, _associated_data(context))
    return _HEADER.pack(VERSION, len(encrypted_key)) + encrypted_key + nonce + sealed


def decrypt(sealed: bytes, context: Mapping[str, str]) -> bytes:
    """The plaintext of `sealed`, if it was sealed under exactly this context; else SealedDataInvalid."""
    from botocore.exceptions import ClientError
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    context = _checked(context)
    sealed = bytes(sealed)
    if len(sealed) < _HEADER.size:
        raise SealedDataInvalid()
    version, key_length = _HEADER.unpack_from(sealed)
    body = sealed[_HEADER.size:]
    if version != VERSION or len(body) < key_length + NONCE_BYTES + 16:
        raise SealedDataInvalid()
    encrypted_key, nonce, ciphertext = (body[:key_length], body[key_length:key_length + NONCE_BYTES],
                                        body[key_length + NONCE_BYTES:])
    try:
        data_key = call("decrypt", CiphertextBlob=encrypted_key, EncryptionContext=context)
    except ClientError as error:
        if error_code(error) == "InvalidCiphertextException":
            raise SealedDataInvalid() from None
        raise
    try:
        return AESGCM(data_key["Plaintext"]).decrypt(nonce, ciphertext, _associated_data(context))
    except InvalidTag:
        raise SealedDataInvalid() from None


def is_sealed(value: bytes | None) -> bool:
    """True for a value in the sealed format (as opposed to a legacy plaintext secret)."""
    return value is not None and len(value) > _HEADER.size and value[0] == VERSION
