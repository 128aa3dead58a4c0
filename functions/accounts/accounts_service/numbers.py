"""Russian 20-digit account numbers with the Bank of Russia control key, and card PANs with a Luhn digit.

Account number layout: 5-digit balance account (e.g. 40817 — individuals' current accounts), 3-digit
currency code (810 for the rouble in account numbers, else ISO 4217 numeric), 1 control digit, 4-digit
branch, 7-digit serial. The control key is computed over the last three BIC digits followed by the
20 digits, with weights 7, 1, 3 repeating: the sum of the last digits of the products must end in 0.
"""

from __future__ import annotations

import secrets

from bank_shared.money import is_ascii_digits

ACCOUNT_CURRENCY_CODES = {"RUB": "810", "USD": "840", "EUR": "978", "CNY": "156", "GBP": "826", "CHF": "756"}
_WEIGHTS = (7, 1, 3)


def _weighted_sum(digits: str) -> int:
    return sum((int(digit) * _WEIGHTS[index % 3]) % 10 for index, digit in enumerate(digits))


def control_key(bic: str, number: str) -> int:
    """The control digit for `number` (its 9th digit is ignored) at the bank with this BIC."""
    blank = number[:8] + "0" + number[9:]
    return (_weighted_sum(bic[-3:] + blank) % 10 * 3) % 10


def is_valid_account_number(bic: str, number: str) -> bool:
    return len(number) == 20 and is_ascii_digits(number) and _weighted_sum(bic[-3:] + number) % 10 == 0


def account_number(bic: str, balance_account: str, currency: str, branch: str, serial: int) -> str:
    if len(balance_account) != 5 or len(branch) != 4 or not 0 < serial < 10**7:
        raise ValueError("balance account is 5 digits, branch 4 digits, serial 1..9999999")
    draft = f"{balance_account}{ACCOUNT_CURRENCY_CODES[currency]}0{branch}{serial:07d}"
    return draft[:8] + str(control_key(bic, draft)) + draft[9:]


def luhn_digit(partial: str) -> int:
    """The check digit to append to `partial`."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return (10 - total % 10) % 10


def is_luhn_valid(pan: str) -> bool:
    return is_ascii_digits(pan) and luhn_digit(pan[:-1]) == int(pan[-1])


def new_pan(bin_prefix: str, length: int = 16) -> str:
    body = bin_prefix + "".join(str(secrets.randbelow(10)) for _ in range(length - len(bin_prefix) - 1))
    return body + str(luhn_digit(body))


def mask_pan(pan_last4: str, bin_prefix: str) -> str:
    return f"{bin_prefix[:4]} {bin_prefix[4:6]}** **** {pan_last4}"
