"""Card-number tokens from the KMS HMAC key (moto): deterministic per PAN, keyed, hex of 64 digits; and
accounts' settings refuse the local key outside local/test."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from accounts_service.card_tokens import pan_token
from accounts_service.settings import AccountsSettings
from tests.support.moto_kms import CARD_TOKEN_ALIAS, mocked_kms
from tests.support.prod_settings import prod_wiring

PAN = "2200991234567890"


@pytest.fixture
def kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mocked_kms(monkeypatch) as client:
        yield client


def test_the_same_pan_always_gets_the_same_token(kms: Any) -> None:
    token = pan_token(PAN)
    assert token == pan_token(PAN) and len(token) == 64 and int(token, 16) >= 0
    assert pan_token("2200991234567808") != token


def test_the_token_is_the_kms_hmac_of_the_pan(kms: Any) -> None:
    mac = kms.generate_mac(KeyId=CARD_TOKEN_ALIAS, Message=PAN.encode(), MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert pan_token(PAN) == mac.hex()
    assert pan_token(PAN) != hmac.new(b"local-card-token-key-not-for-production", PAN.encode(),
                                      hashlib.sha256).hexdigest()  # the old placeholder key is gone


def test_another_key_gives_other_tokens(kms: Any) -> None:
    before = pan_token(PAN)
    other = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName=CARD_TOKEN_ALIAS, TargetKeyId=other)
    assert pan_token(PAN) != before


def test_production_refuses_the_local_card_token_key() -> None:
    base = prod_wiring("accounts")
    with pytest.raises(ValidationError, match="CARD_TOKEN_KEY_ID names a local-stack key"):
        AccountsSettings(**base)
    with pytest.raises(ValidationError, match="CARD_TOKEN_KEY_ID is required"):
        AccountsSettings(**base, card_token_key_id="")
    assert AccountsSettings(**base, card_token_key_id="alias/bank-prod-card-token").card_token_key_id
