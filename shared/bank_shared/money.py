"""Money as integers in minor units; decimal strings in major units at the API boundary. Never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, Field

from bank_shared.errors import Unprocessable

# The one spelling of an amount, a rate and a currency code in every request model. `[0-9]`, never `\d`:
# pydantic's (Rust) regex and Python's `str.isdigit`/`Decimal` take any Unicode digit (U+0661 U+0660 is 10).
AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,4})?$"
Amount = Annotated[str, Field(pattern=AMOUNT_PATTERN, examples=["1500.00"],
                              description="Decimal string in major units (ASCII digits)")]
Rate = Annotated[str, Field(pattern=r"^[0-9]{1,18}(\.[0-9]{1,12})?$", examples=["0.853421"],
                            description="Decimal string (ASCII digits)")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"], description="ISO 4217 code")]


class Money(BaseModel):
    """The one spelling of an amount in every response model (what `money_json` writes)."""

    amount: str = Field(examples=["1500.00"], description="Decimal string in major units")
    currency: str = Field(examples=["RUB"], description="ISO 4217 code")

# ISO 4217 minor-unit exponents for the currencies the bank and the ECB reference set use.
CURRENCY_EXPONENTS: dict[str, int] = {
    "RUB": 2, "USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CNY": 2, "JPY": 0, "KRW": 0, "AUD": 2, "CAD": 2,
    "CZK": 2, "DKK": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0, "MXN": 2, "MYR": 2,
    "NOK": 2, "NZD": 2, "PHP": 2, "PLN": 2, "RON": 2, "SEK": 2, "SGD": 2, "THB": 2, "TRY": 2, "ZAR": 2,
    "BRL": 2, "BGN": 2, "KZT": 2, "AMD": 2, "BYN": 2, "KWD": 3, "BHD": 3,
}


class UnsupportedCurrency(Unprocessable):
    code, title = "unsupported_currency", "Unsupported currency"


class InvalidAmount(Unprocessable):
    code, title = "invalid_amount", "Invalid amount"


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise UnsupportedCurrency(f"{currency!r} is not a supported ISO 4217 currency") from None


def to_minor(amount: str | Decimal | int, currency: str, *, allow_zero: bool = False) -> int:
    """'1234.50' RUB → 123450. Refuses floats, extra decimals, negatives and (by default) zero."""
    if isinstance(amount, float):
        raise InvalidAmount("Amounts must be decimal strings, not floating point numbers")
    text = str(amount).strip()
    if isinstance(amount, str) and not is_ascii_decimal(text):
        raise InvalidAmount(f"{amount!r} is not a decimal amount written with ASCII digits")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidAmount(f"{amount!r} is not a decimal amount") from None
    if not value.is_finite():
        raise InvalidAmount("Amount must be a finite number")
    places = exponent(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{currency} allows at most {places} decimal places")
    minor = int(scaled)
    if minor < 0 or (minor == 0 and not allow_zero):
        raise InvalidAmount("Amount must be positive")
    return minor


def is_ascii_digits(text: str) -> bool:
    """'0'-'9' only (str.isdigit() is also true for Arabic-Indic or full-width digits)."""
    return text.isascii() and text.isdigit()


def is_ascii_decimal(text: str) -> bool:
    """An optional sign, ASCII digits and at most one point: what Decimal() may parse here."""
    unsigned = text[1:] if text[:1] in "+-" else text
    whole, _, fraction = unsigned.partition(".")
    return bool(whole or fraction) and all(is_ascii_digits(part) for part in (whole, fraction) if part)


def from_minor(minor: int, currency: str) -> str:
    """123450 RUB → '1234.50'."""
    places = exponent(currency)
    return f"{Decimal(minor).scaleb(-places):.{places}f}"


def money_json(minor: int, currency: str) -> dict[str, str]:
    return {"amount": from_minor(minor, currency), "currency": currency}
