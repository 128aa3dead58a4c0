"""The request fingerprint that decides replay-or-refuse for a reused Idempotency-Key, pinned by known vectors
(sha256 of `operation + "\\n" + canonical JSON`, computed outside the code: `printf ... | sha256sum`), so a change to
the canonical form, or a fingerprint that ignores the body, fails here."""

from __future__ import annotations

from bank_shared.idempotency import fingerprint

# printf 'topup\n{"a":[1,"x"],"b":2}' | sha256sum
TOPUP_VECTOR = "cc24ca2d1b05faf07fe802ce3271da438dc67ff43b42362b7ef17ec47df8af2b"


def test_a_known_vector() -> None:
    assert fingerprint("topup", {"b": 2, "a": [1, "x"]}) == TOPUP_VECTOR


def test_key_order_does_not_matter_but_every_value_does() -> None:
    assert fingerprint("topup", {"a": [1, "x"], "b": 2}) == TOPUP_VECTOR
    assert fingerprint("topup", {"a": [1, "x"], "b": 3}) != TOPUP_VECTOR
    assert fingerprint("topup", {"a": [1, "y"], "b": 2}) != TOPUP_VECTOR
    assert fingerprint("topup", {"a": [1, "x"], "b": 2, "c": None}) != TOPUP_VECTOR


def test_the_operation_is_part_of_the_fingerprint() -> None:
    assert fingerprint("transfer", {"b": 2, "a": [1, "x"]}) != TOPUP_VECTOR
