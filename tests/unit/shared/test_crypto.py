"""Envelope encryption (bank_shared.crypto) against moto KMS: a data key per seal, AES-GCM here, the
encryption context binding each ciphertext to its place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bank_shared import crypto, kms
from bank_shared.crypto import SealedDataInvalid, decrypt, encrypt, is_sealed
from tests.support.moto_kms import DATA_ALIAS, mocked_kms

CONTEXT = {"purpose": "tests.secret", "user_id": "7d7c2b9e-0000-4000-8000-000000000001"}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """moto KMS with the local keys; the KMS operations the code under test made."""
    made: list[str] = []
    original = kms.call

    def counted(operation: str, **params: Any) -> dict[str, Any]:
        made.append(operation)
        return original(operation, **params)

    with mocked_kms(monkeypatch):
        monkeypatch.setattr(crypto, "call", counted)
        yield made


def test_round_trip_with_one_kms_call_each_way(calls: list[str]) -> None:
    sealed = encrypt(b"JBSWY3DPEHPK3PXP", CONTEXT, key_id=DATA_ALIAS)
    assert calls == ["generate_data_key"]
    assert decrypt(sealed, CONTEXT) == b"JBSWY3DPEHPK3PXP"
    assert calls == ["generate_data_key", "decrypt"]


def test_the_ciphertext_reveals_nothing_and_never_repeats(calls: list[str]) -> None:
    first = encrypt(b"JBSWY3DPEHPK3PXP", CONTEXT, key_id=DATA_ALIAS)
    second = encrypt(b"JBSWY3DPEHPK3PXP", CONTEXT, key_id=DATA_ALIAS)
    assert b"JBSWY3DPEHPK3PXP" not in first and first != second
    assert is_sealed(first) and first[0] == crypto.VERSION


@pytest.mark.parametrize("other", [
    {"purpose": "tests.secret", "user_id": "7d7c2b9e-0000-4000-8000-000000000002"},  # another row
    {"purpose": "tests.other", "user_id": CONTEXT["user_id"]},  # another column
    {"purpose": "tests.secret"},  # part of the context
])
def test_another_context_does_not_open_it(calls: list[str], other: dict[str, str]) -> None:
    sealed = encrypt(b"secret", CONTEXT, key_id=DATA_ALIAS)
    with pytest.raises(SealedDataInvalid):
        decrypt(sealed, other)


def test_tampered_truncated_or_unknown_versions_do_not_open(calls: list[str]) -> None:
    sealed = encrypt(b"secret", CONTEXT, key_id=DATA_ALIAS)
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    for broken in (bytes(flipped), sealed[:-20], sealed[:2], b"\x02" + sealed[1:], b""):
        with pytest.raises(SealedDataInvalid):
            decrypt(broken, CONTEXT)


def test_an_empty_context_is_refused(calls: list[str]) -> None:
    with pytest.raises(ValueError, match="encryption context"):
        encrypt(b"secret", {}, key_id=DATA_ALIAS)
    with pytest.raises(ValueError, match="encryption context"):
        encrypt(b"secret", {"user_id": ""}, key_id=DATA_ALIAS)
    assert calls == []


def test_legacy_base32_text_is_not_taken_for_a_sealed_value() -> None:
    assert not is_sealed(b"JBSWY3DPEHPK3PXP") and not is_sealed(None) and not is_sealed(b"\x01")


def test_sealed_data_invalid_is_a_problem_without_details() -> None:
    error = SealedDataInvalid()
    assert error.status == 500 and error.code == "sealed_data_invalid"
