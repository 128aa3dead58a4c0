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


# F10: `\d` and Decimal() take any Unicode digit: Arabic-Indic "10" moved 10.00, full-width "1.00" 1.00.
@pytest.mark.parametrize("amount", ["\u0661\u0660", "\uff11.\uff10\uff10", "\uff11\uff10", "\u0663.50", "1\u0660",
                                    "\u06f5", "\U0001d7cf"])
def test_to_minor_refuses_non_ascii_digits(amount: str) -> None:
    with pytest.raises(InvalidAmount):
        to_minor(amount, "RUB")


@pytest.mark.parametrize("amount", ["\u0661\u0660", "\uff11.\uff10\uff10", "1\u0660.00", "10.\u0660\u0660"])
def test_the_shared_amount_type_refuses_non_ascii_digits(amount: str) -> None:
    from pydantic import BaseModel, ValidationError

    from bank_shared.money import Amount

    class Order(BaseModel):
        amount: Amount

    assert Order(amount="10.00").amount == "10.00"
    with pytest.raises(ValidationError):
        Order(amount=amount)


def test_every_request_model_spells_digits_in_ascii() -> None:
    """No route may bring back a Unicode `\\d` in a field pattern: scan every service's OpenAPI."""
    import json

    from tests.support.stack import REPO_ROOT

    offenders = [
        f"{spec.name}: {pattern}"
        for spec in sorted((REPO_ROOT / "api_spec").glob("*.openapi.json"))
        for pattern in _patterns(json.loads(spec.read_text()))
        if "\\d" in pattern
    ]
    assert offenders == []


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["pattern"])] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []
