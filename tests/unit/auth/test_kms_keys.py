"""auth's KMS keys against moto: RS256 access tokens signed in KMS (one call per token), the JWKS from
GetPublicKey with its cache, rotation through the -next/-previous aliases, sealed TOTP secrets, and the
settings that refuse the local keys outside local/test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import jwt
import pytest
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidSignature
from pydantic import ValidationError

from auth_service import mfa
from auth_service.keys import KeyAliases, KeyRing, forget_keys, jwks, key_ring
from auth_service.rotate_keys import PROMOTED_TAG, Rotation, RotationRefused, main
from auth_service.settings import AuthSettings
from auth_service.tokens import issue_access_token
from bank_shared.kms import call
from tests.support.moto_kms import JWT_SIGNING_ALIAS
from tests.support.prod_settings import prod_wiring

ISSUER = "http://127.0.0.1:3000/api/auth"


def verify(token: str, published: dict[str, Any] | None = None) -> dict[str, Any]:
    """Verify as the gateway does: the key named by the token's kid in the JWKS, RS256 only."""
    keys = {k["kid"]: k for k in (published or jwks())["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(keys[kid], algorithm="RS256")
    return jwt.decode(token, key.key, algorithms=["RS256"], audience="bank-api", issuer=ISSUER,
                      options={"require": ["exp", "iat", "nbf", "jti", "sub", "iss", "aud"]})


def counting(kms: Callable[..., dict[str, Any]] = call) -> tuple[Callable[..., dict[str, Any]], list[str]]:
    calls: list[str] = []

    def counted(operation: str, **params: Any) -> dict[str, Any]:
        calls.append(operation)
        return kms(operation, **params)

    return counted, calls


def alias_target(kms: Any, alias: str) -> str:
    return str(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])


# --------------------------------------------------------------------------- signing and the JWKS


def test_access_token_is_rs256_signed_in_kms_with_the_key_id_as_kid(kms: Any) -> None:
    issued = issue_access_token("user-1", ["customer", "admin", "customer"])
    assert jwt.get_unverified_header(issued.token) == {"alg": "RS256", "typ": "JWT",
                                                       "kid": alias_target(kms, JWT_SIGNING_ALIAS)}
    claims = verify(issued.token)
    assert claims["sub"] == "user-1" and claims["roles"] == ["admin", "customer"]
    assert claims["exp"] - claims["iat"] == AuthSettings().access_token_ttl_seconds
    assert claims["jti"] == issued.jti


def test_kms_verifies_the_signature_too(kms: Any) -> None:
    """The signature is over the digest of the JWS signing input, as KMS itself checks it."""
    token = issue_access_token("user-1", ["customer"]).token
    signing_input, signature = token.rsplit(".", 1)
    verdict = kms.verify(KeyId=JWT_SIGNING_ALIAS, Message=signing_input.encode(), MessageType="RAW",
                         Signature=jwt.utils.base64url_decode(signature), SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")
    assert verdict["SignatureValid"] is True


def test_one_kms_call_per_token_once_the_public_key_is_cached(kms: Any) -> None:
    counted, calls = counting()
    ring = KeyRing(KeyAliases.of(JWT_SIGNING_ALIAS), max_age_seconds=60, kms=counted)
    for _ in range(5):
        ring.sign({"sub": "x"})
    assert calls == ["get_public_key"] + ["sign"] * 5


def test_public_keys_are_re_read_after_their_max_age(kms: Any) -> None:
    now = [1000.0]
    counted, calls = counting()
    ring = KeyRing(KeyAliases.of(JWT_SIGNING_ALIAS), max_age_seconds=60, kms=counted, clock=lambda: now[0])
    ring.current()
    now[0] += 59
    ring.current()
    assert calls == ["get_public_key"]
    now[0] += 2
    ring.current()
    assert calls == ["get_public_key", "get_public_key"]


def test_tampered_and_confused_tokens_do_not_verify(kms: Any) -> None:
    token = issue_access_token("user-1", ["customer"]).token
    header, payload, signature = token.split(".")
    with pytest.raises(jwt.InvalidSignatureError):
        verify(f"{header}.{payload[:-2]}AA.{signature}")
    public = key_ring().current().public_key
    with pytest.raises(jwt.PyJWTError):
        jwt.decode(jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256"), public, algorithms=["RS256"])


def test_jwks_has_public_keys_only(kms: Any) -> None:
    keys = jwks()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["use"] == "sig" and "d" not in keys[0]


def test_a_signature_by_another_key_is_never_handed_out(kms: Any) -> None:
    """If KMS answered with another key's signature, the token would fail at the gateway: refuse it here."""
    other = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]

    def wrong_key(operation: str, **params: Any) -> dict[str, Any]:
        if operation == "sign":
            return call("sign", **(params | {"KeyId": other})) | {"KeyId": params["KeyId"]}
        return call(operation, **params)

    ring = KeyRing(KeyAliases.of(JWT_SIGNING_ALIAS), max_age_seconds=60, kms=wrong_key)
    with pytest.raises(InvalidSignature):
        ring.sign({"sub": "x"})


def test_a_missing_current_key_is_an_error_and_missing_previous_next_are_not(kms: Any) -> None:
    ring = KeyRing(KeyAliases.of("alias/does-not-exist"), max_age_seconds=60)
    assert ring.key("previous") is None and ring.key("next") is None
    with pytest.raises(ClientError):
        ring.current()


def test_an_unreachable_or_throttled_kms_is_a_503(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import EndpointConnectionError

    from bank_shared import kms as kms_module
    from bank_shared.errors import DependencyUnavailable

    class Broken:
        def __init__(self, error: Exception) -> None:
            self.error = error

        def sign(self, **_params: Any) -> dict[str, Any]:
            raise self.error

    for error in (ClientError({"Error": {"Code": "ThrottlingException"}}, "Sign"),
                  EndpointConnectionError(endpoint_url="https://kms.example")):
        monkeypatch.setattr(kms_module, "client", lambda _name, error=error: Broken(error))
        with pytest.raises(DependencyUnavailable) as raised:
            kms_module.call("sign", KeyId="k")
        assert raised.value.code == "key_service_unavailable" and raised.value.status == 503
    denied = ClientError({"Error": {"Code": "AccessDeniedException"}}, "Sign")
    monkeypatch.setattr(kms_module, "client", lambda _name: Broken(denied))
    with pytest.raises(ClientError):  # a misconfiguration is not retryable: an unexpected 500, logged
        kms_module.call("sign", KeyId="k")


# --------------------------------------------------------------------------- rotation


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def sleep(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@pytest.fixture
def rotation(kms: Any) -> tuple[Rotation, Clock, list[str]]:
    clock, said = Clock(), []
    settings = AuthSettings(signing_keys_cache_seconds=60)
    return Rotation(settings, now=clock.now, say=said.append, sleep=clock.sleep), clock, said


def published_kids() -> set[str]:
    forget_keys()
    return {k["kid"] for k in jwks()["keys"]}


def test_prepare_publishes_the_next_key_before_it_signs(kms: Any, rotation: tuple[Rotation, Clock, list[str]]) -> None:
    steps, _clock, _said = rotation
    first = alias_target(kms, JWT_SIGNING_ALIAS)
    policy = kms.get_key_policy(KeyId=first, PolicyName="default")["Policy"]
    prepared = steps.prepare()
    assert alias_target(kms, f"{JWT_SIGNING_ALIAS}-next") == prepared.kid != first
    assert kms.get_key_policy(KeyId=prepared.kid, PolicyName="default")["Policy"] == policy
    assert published_kids() == {first, prepared.kid}
    assert jwt.get_unverified_header(issue_access_token("u", ["customer"]).token)["kid"] == first
    assert steps.prepare().kid == prepared.kid  # idempotent


def test_promote_waits_for_publication_then_swaps_and_old_tokens_stay_valid(
        kms: Any, rotation: tuple[Rotation, Clock, list[str]]) -> None:
    steps, clock, _said = rotation
    first = alias_target(kms, JWT_SIGNING_ALIAS)
    old_token = issue_access_token("user-1", ["customer"]).token
    prepared = steps.prepare()
    with pytest.raises(RotationRefused, match="not yet in every JWKS"):
        steps.promote()
    clock.sleep(steps.publish_delay_seconds)
    assert steps.promote() == {"current": prepared.kid, "previous": first, "retired": None}
    assert alias_target(kms, JWT_SIGNING_ALIAS) == prepared.kid
    assert alias_target(kms, f"{JWT_SIGNING_ALIAS}-previous") == first
    assert steps.status()["next"] is None
    tags = {t["TagKey"] for t in kms.list_resource_tags(KeyId=prepared.kid)["Tags"]}
    assert PROMOTED_TAG in tags
    assert published_kids() == {first, prepared.kid}
    assert verify(old_token)["sub"] == "user-1"
    new_token = issue_access_token("user-2", ["customer"]).token
    assert jwt.get_unverified_header(new_token)["kid"] == prepared.kid and verify(new_token)["sub"] == "user-2"


def test_the_previous_key_retires_only_after_its_tokens_expired(
        kms: Any, rotation: tuple[Rotation, Clock, list[str]]) -> None:
    steps, clock, said = rotation
    first = alias_target(kms, JWT_SIGNING_ALIAS)
    second = steps.rotate()["current"]
    assert any("waiting for every JWKS" in line for line in said)  # progress while it waits
    with pytest.raises(RotationRefused, match="may still have signed tokens"):
        steps.rotate()
    assert alias_target(kms, JWT_SIGNING_ALIAS) == second  # nothing changed
    clock.sleep(steps.retire_after_seconds)
    third = steps.rotate()
    assert third["previous"] == second and third["retired"] == first
    assert kms.describe_key(KeyId=first)["KeyMetadata"]["Enabled"] is False
    assert published_kids() == {second, third["current"]}


def test_rotation_needs_an_alias(kms: Any) -> None:
    arn = kms.describe_key(KeyId=JWT_SIGNING_ALIAS)["KeyMetadata"]["Arn"]
    with pytest.raises(RotationRefused, match="must be an alias"):
        Rotation(AuthSettings(jwt_signing_key_id=arn)).prepare()


def test_the_command_prints_status_and_exits_1_when_refused(
        kms: Any, rotation: tuple[Rotation, Clock, list[str]], capsys: pytest.CaptureFixture[str]) -> None:
    steps, _clock, _said = rotation
    assert main(["status"], steps) == 0
    out = capsys.readouterr().out
    assert f" current: {alias_target(kms, JWT_SIGNING_ALIAS)}" in out and "previous: -" in out
    assert main(["promote"], steps) == 1
    assert "nothing to promote" in capsys.readouterr().err


# --------------------------------------------------------------------------- sealed TOTP secrets


def test_totp_secrets_are_sealed_for_their_user(kms: Any) -> None:
    from bank_shared.crypto import SealedDataInvalid, is_sealed

    secret, owner = mfa.new_secret(), uuid4()
    sealed = mfa.seal_secret(secret, owner)
    assert is_sealed(sealed) and secret.encode() not in sealed
    assert mfa.open_secret(sealed, owner) == secret
    with pytest.raises(SealedDataInvalid):
        mfa.open_secret(sealed, uuid4())  # copied to another user's row


def test_a_legacy_base32_secret_is_still_read() -> None:
    secret = mfa.new_secret()
    assert mfa.is_legacy(secret.encode()) and mfa.open_secret(secret.encode(), uuid4()) == secret


# --------------------------------------------------------------------------- settings


def test_production_refuses_the_local_keys_and_missing_ones() -> None:
    base = prod_wiring("auth")
    with pytest.raises(ValidationError) as caught:
        AuthSettings(**base)
    assert "JWT_SIGNING_KEY_ID names a local-stack key" in str(caught.value)
    assert "DATA_KEY_ID names a local-stack key" in str(caught.value)
    with pytest.raises(ValidationError, match="JWT_SIGNING_KEY_ID is required"):
        AuthSettings(**base, jwt_signing_key_id="", data_key_id="alias/bank-prod-data")
    settings = AuthSettings(**base, jwt_signing_key_id="alias/bank-prod-jwt-signing",
                            data_key_id="alias/bank-prod-data")
    assert settings.jwt_signing_key_id == "alias/bank-prod-jwt-signing"


def test_local_and_test_settings_default_to_the_local_aliases() -> None:
    for env in ("local", "test"):
        settings = AuthSettings(app_env=env)
        assert settings.jwt_signing_key_id == "alias/bank-local-jwt-signing"
        assert settings.data_key_id == "alias/bank-local-data"
