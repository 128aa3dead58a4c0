"""Phone numbers in every usual Russian form reduce to one canonical form; anything else is refused."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from bank_shared.phones import Phone, normalize_phone, phone_digit_forms


@pytest.mark.parametrize("typed", [
    "+7 900 123-45-67", "+79001234567", "8 900 123-45-67", "89001234567", "8 (900) 123 45 67",
    "+7 (900) 123-45-67", "900 123-45-67", "9001234567", " 8-900-123-45-67 ", "7 900 123 45 67",
])
def test_russian_forms_are_one_number(typed: str) -> None:
    assert normalize_phone(typed) == "+79001234567"


@pytest.mark.parametrize(("typed", "canonical"), [("+1 555 010 0000", "+15550100000"),
                                                  ("+44 20 7946 0958", "+442079460958")])
def test_foreign_numbers_keep_their_digits(typed: str, canonical: str) -> None:
    assert normalize_phone(typed) == canonical


@pytest.mark.parametrize("typed", ["", "12345", "900123456", "8 800 abc", "1234567890",
                                   "+7 900 123+45-67", "+1234567890123456", "55501000000"])
def test_not_phones(typed: str) -> None:
    assert normalize_phone(typed) is None


def test_digit_forms_cover_numbers_stored_before_normalisation() -> None:
    assert phone_digit_forms("+79001234567") == ["79001234567", "89001234567", "9001234567"]
    assert phone_digit_forms("+15550100000") == ["15550100000"]


class Form(BaseModel):
    phone: Phone


def test_the_model_type_normalises_and_refuses() -> None:
    assert Form(phone="8 (900) 123-45-67").phone == "+79001234567"
    with pytest.raises(ValidationError):
        Form(phone="12345")
