"""What the bank uses of KMS, run against the stack's LocalStack (4.9.2) instead of assumed: RS256 signing of a
digest that verifies with the key from GetPublicKey, deterministic HMACs, data keys bound to their encryption
context. Each test uses keys of its own, so the stack's keys are left alone."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.support.stack import local_kms


@pytest.fixture(scope="module")
def kms() -> Any:
    return local_kms()


def test_sign_with_message_type_digest_is_rs256_over_the_message(kms: Any) -> None:
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    message = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"
    signed = kms.sign(KeyId=key, Message=hashlib.sha256(message).digest(), MessageType="DIGEST",
                      SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
    assert signed["KeyId"] == key
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key)["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signed["Signature"], message, padding.PKCS1v15(), hashes.SHA256())
    raw = kms.sign(KeyId=key, Message=message, MessageType="RAW", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
    assert raw["Signature"] == signed["Signature"]  # PKCS#1 v1.5 is deterministic: DIGEST = RAW of the message
    with pytest.raises(ClientError, match="ValidationException"):
        kms.sign(KeyId=key, Message=b"too short", MessageType="DIGEST", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")


def test_generate_mac_is_deterministic_and_verify_mac_checks_it(kms: Any) -> None:
    key = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    first = kms.generate_mac(KeyId=key, Message=b"2200991234567890", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert len(first) == 32
    assert kms.generate_mac(KeyId=key, Message=b"2200991234567890", MacAlgorithm="HMAC_SHA_256")["Mac"] == first
    assert kms.verify_mac(KeyId=key, Message=b"2200991234567890", MacAlgorithm="HMAC_SHA_256",
                          Mac=first)["MacValid"] is True
    with pytest.raises(ClientError, match="KMSInvalidMacException"):
        kms.verify_mac(KeyId=key, Message=b"2200991234567891", MacAlgorithm="HMAC_SHA_256", Mac=first)


def test_a_data_key_opens_only_under_its_encryption_context(kms: Any) -> None:
    key = kms.create_key(KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    context = {"purpose": "auth.users.totp_secret", "user_id": "u-1"}
    data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256", EncryptionContext=context)
    assert len(data_key["Plaintext"]) == 32
    opened = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=context)
    assert opened["Plaintext"] == data_key["Plaintext"]
    for other in ({"purpose": "auth.users.totp_secret", "user_id": "u-2"}, {}):
        with pytest.raises(ClientError, match="InvalidCiphertextException"):
            kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"], EncryptionContext=other)
