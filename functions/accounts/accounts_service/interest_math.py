"""Daily interest, exactly (no floats, no intermediate rounding): the one rounding rule of savings.

Interest for one day = end-of-day balance * yearly rate / days in that year (365, or 366 in a leap year),
rounded **half to even** (banker's rounding) to the currency's minor unit — once per account per day. A balance
of zero or below earns nothing. The month's capitalization is the plain sum of its days' rounded amounts, so what
the customer receives equals the sum of the accrual lines they can see.

Half-even rather than half-up: over many accounts and days, half-up adds a systematic half-kopeck bias on every
exact tie in the bank's disfavour; half-even has none.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

RATE_SCALE = 10**6  # rates are stored with 6 decimals (numeric(8, 6))


def rate_units(annual_rate: Decimal) -> int:
    """The rate in millionths; a rate with more decimals is refused."""
    scaled = annual_rate * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError("a rate has at most 6 decimals")
    return int(scaled)


def days_in_year(day: date) -> int:
    return 366 if calendar.isleap(day.year) else 365


def round_half_even(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        return quotient + 1
    return quotient


def daily_interest(balance_minor: int, annual_rate: Decimal, day: date) -> int:
    """One day's interest in minor units on an end-of-day balance."""
    if balance_minor <= 0:
        return 0
    return round_half_even(balance_minor * rate_units(annual_rate), days_in_year(day) * RATE_SCALE)
