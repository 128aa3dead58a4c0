"""moto's KMS with the keys the local stack creates, for unit tests.

moto 5.2.5 parses `Sign`'s MessageType and ignores it: a DIGEST request has its digest hashed again, so the
signature verifies against sha256(digest) instead of the digest, unlike KMS in AWS and LocalStack 4.9.2
(tests/integration/shared/test_localstack_kms.py runs LocalStack). `honour_digest_signing` teaches moto the
documented behaviour (sign the given digest as is, refuse a digest of the wrong length) for the RSA
PKCS#1 v1.5 SHA-256 algorithm auth uses; everything else is moto's own.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

JWT_SIGNING_ALIAS = "alias/bank-local-jwt-signing"
CARD_TOKEN_ALIAS = "alias/bank-local-card-token"
DATA_ALIAS = "alias/bank-local-data"
KEY_SPECS = {
    JWT_SIGNING_ALIAS: ("RSA_2048", "SIGN_VERIFY"),
    CARD_TOKEN_ALIAS: ("HMAC_256", "GENERATE_VERIFY_MAC"),
    DATA_ALIAS: ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
}


def _sign_digest(response: Any) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils
    from moto.kms.exceptions import ValidationException

    if response._get_param("SigningAlgorithm") != "RSASSA_PKCS1_V1_5_SHA_256":
        raise NotImplementedError("the DIGEST shim covers RSASSA_PKCS1_V1_5_SHA_256 only")
    digest = response._get_param("Message")  # moto decodes blob parameters itself
    if len(digest) != 32:
        raise ValidationException("Digest is invalid length for algorithm RSASSA_PKCS1_V1_5_SHA_256.")
    key = response.kms_backend.describe_key(response._get_param("KeyId"))
    signature = key.private_key.private_key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    return json.dumps({"KeyId": key.arn, "Signature": base64.b64encode(signature).decode(),
                       "SigningAlgorithm": "RSASSA_PKCS1_V1_5_SHA_256"})


def honour_digest_signing(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.kms.responses import KmsResponse

    original = KmsResponse.sign

    def sign(self: Any) -> str:
        if self._get_param("MessageType") == "DIGEST":
            return _sign_digest(self)
        return str(original(self))

    monkeypatch.setattr(KmsResponse, "sign", sign)


def create_local_keys(kms: Any) -> dict[str, str]:
    """The three keys behind the local aliases; alias → key ARN."""
    arns = {}
    for alias, (spec, usage) in KEY_SPECS.items():
        arn = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["Arn"]
        kms.create_alias(AliasName=alias, TargetKeyId=arn)
        arns[alias] = arn
    return arns


@contextmanager
def mocked_kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto for every AWS call, the local keys created, the project's cached clients and keys reset."""
    from moto import mock_aws

    from bank_shared.aws import client, reset_clients

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    honour_digest_signing(monkeypatch)
    with mock_aws():
        reset_clients()
        kms = client("kms")
        create_local_keys(kms)
        try:
            yield kms
        finally:
            reset_clients()
