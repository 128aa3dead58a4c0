from decimal import Decimal

import pytest

from bank_shared.money import InvalidAmount, UnsupportedCurrency, from_minor, money_json, to_minor


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("1234.50", "RUB", 123450), ("0.01", "USD", 1), ("1500", "JPY", 1500), ("1.234", "KWD", 1234),
     (Decimal("10"), "EUR", 1000), ("  7.1 ", "RUB", 710)],
)
def test_to_minor_uses_the_currency_exponent(amount: str, currency: str, minor: int) -> None:
    assert to_minor(amount, currency) == minor


@pytest.mark.parametrize("amount", ["1.001", "abc", "-1", "0", "NaN", "Infinity", ""])
def test_to_minor_rejects_bad_amounts(amount: str) -> None:
    with pytest.raises(InvalidAmount):
        to_minor(amount, "RUB")


def test_floats_are_refused() -> None:
    with pytest.raises(InvalidAmount):
        to_minor(0.1, "USD")  # type: ignore[arg-type]


def test_yen_has_no_minor_units() -> None:
    with pytest.raises(InvalidAmount):
        to_minor("1.5", "JPY")


def test_unknown_currency() -> None:
    with pytest.raises(UnsupportedCurrency) as caught:
        to_minor("1", "XXX")
    assert caught.value.code == "unsupported_currency"


def test_round_trip_formats_major_units() -> None:
    assert from_minor(123450, "RUB") == "1234.50"
    assert from_minor(5, "KWD") == "0.005"
    assert from_minor(1500, "JPY") == "1500"
    assert money_json(1, "USD") == {"amount": "0.01", "currency": "USD"}
