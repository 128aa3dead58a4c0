"""Phone numbers in one form: what a customer types ("8 900 123-45-67", "+7 (900) 123 45 67", "900 123-45-67",
"89001234567") becomes "+79001234567"; a foreign number written with its "+" keeps its digits ("+1 555 010 0000"
→ "+15550100000"). Used wherever a phone enters the bank (sign-up, staff creating a customer, P2P by phone); the
SPA's frontend/src/lib/phone.ts follows the same rules."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

_ALLOWED = re.compile(r"^\+?[0-9 ()\-]+$")
_RU_NATIONAL = 10  # digits after the country code 7
_MIN_INTERNATIONAL, _MAX_INTERNATIONAL = 8, 15  # E.164: at most 15 digits


def normalize_phone(text: str) -> str | None:
    """The canonical form of a phone number, or None when `text` is not one."""
    text = text.strip()
    if not text or not _ALLOWED.match(text) or "+" in text[1:]:
        return None
    digits = "".join(char for char in text if "0" <= char <= "9")
    if len(digits) == _RU_NATIONAL and digits[0] == "9":
        return f"+7{digits}"
    if len(digits) == _RU_NATIONAL + 1 and digits[0] in "78" and (digits[0] == "7" or not text.startswith("+")):
        return f"+7{digits[1:]}"
    if text.startswith("+") and _MIN_INTERNATIONAL <= len(digits) <= _MAX_INTERNATIONAL:
        return f"+{digits}"
    return None


def phone_digit_forms(canonical: str) -> list[str]:
    """The digit strings a stored phone may reduce to for this canonical number (rows written before numbers
    were normalised keep "8 900…" or "900…")."""
    digits = canonical.lstrip("+")
    if digits.startswith("7") and len(digits) == _RU_NATIONAL + 1:
        return [digits, f"8{digits[1:]}", digits[1:]]
    return [digits]


def _canonical(value: object) -> object:
    if isinstance(value, str):
        normalized = normalize_phone(value)
        if normalized is None:
            raise ValueError("not a phone number: +7 900 123-45-67, 8 900 123-45-67 or 900 123-45-67")
        return normalized
    return value


Phone = Annotated[str, BeforeValidator(_canonical),
                  Field(pattern=r"^\+[0-9]{8,15}$", examples=["+79001234567"],
                        description="A phone number in any usual form (8 9…, +7 9…, 9…); stored as +7XXXXXXXXXX")]
