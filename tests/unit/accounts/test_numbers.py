"""Account numbers (Bank of Russia control key) and card PANs (Luhn), without any I/O."""

from __future__ import annotations

import pytest

from accounts_service.numbers import (
    account_number,
    is_luhn_valid,
    is_valid_account_number,
    luhn_digit,
    mask_pan,
    new_pan,
)


def test_known_control_key() -> None:
    # The defining property: the 7-1-3 weighted sum over the BIC tail and the number ends in zero.
    number = account_number("044525225", "40817", "RUB", "0001", 1234567)
    assert len(number) == 20 and number[:8] == "40817810" and number[9:] == "00011234567"
    assert is_valid_account_number("044525225", number)


@pytest.mark.parametrize("serial", [1, 42, 9_999_999])
def test_any_single_digit_change_breaks_the_key(serial: int) -> None:
    number = account_number("044525999", "42301", "USD", "0001", serial)
    assert is_valid_account_number("044525999", number)
    for index in range(20):
        changed = number[:index] + str((int(number[index]) + 1) % 10) + number[index + 1:]
        assert not is_valid_account_number("044525999", changed)


def test_luhn() -> None:
    assert is_luhn_valid("4539578763621486")
    assert not is_luhn_valid("4539578763621487")
    assert luhn_digit("7992739871") == 3
    for _ in range(50):
        pan = new_pan("220099")
        assert len(pan) == 16 and pan.startswith("220099") and is_luhn_valid(pan)


def test_mask_hides_digits() -> None:
    assert mask_pan("7890", "220099") == "2200 99** **** 7890"
