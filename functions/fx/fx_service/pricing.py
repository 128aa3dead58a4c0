"""Pricing a quote: the customer's rate after the bank's spread, and both amounts in minor units.

All arithmetic is Decimal; every rounding goes the bank's way:

* the customer's rate is the mid rate less the spread, truncated to 12 decimal places;
* selling a fixed amount: the bought amount is rounded **down** to the buy currency's minor unit;
* buying a fixed amount: the sold amount is rounded **up** to the sell currency's minor unit.

The recorded rate reproduces both amounts exactly (`price` derives them from the truncated rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal, localcontext
from typing import Literal

from bank_shared.errors import Unprocessable
from bank_shared.money import exponent

Side = Literal["sell", "buy"]
RATE_PLACES = Decimal("1e-12")
BPS = Decimal(10_000)
MAX_SPREAD_BPS = 5_000


class AmountTooSmall(Unprocessable):
    code, title = "amount_too_small", "The amount is too small to exchange"


@dataclass(frozen=True)
class Price:
    rate: Decimal  # buy units per sell unit, after the spread
    sell_amount: int  # minor units of the sell currency
    buy_amount: int  # minor units of the buy currency


def customer_rate(mid_rate: Decimal, spread_bps: int) -> Decimal:
    """Mid rate less the spread (customers sell for fewer units than the mid), truncated to 12 places."""
    if mid_rate <= 0:
        raise ValueError("the mid rate must be positive")
    if not 0 <= spread_bps <= MAX_SPREAD_BPS:
        raise ValueError(f"spread must be between 0 and {MAX_SPREAD_BPS} basis points")
    with localcontext() as context:
        context.prec = 50
        return (mid_rate * (BPS - spread_bps) / BPS).quantize(RATE_PLACES, rounding=ROUND_DOWN)


def price(mid_rate: Decimal, spread_bps: int, sell_currency: str, buy_currency: str, amount: int,
          fixed: Side) -> Price:
    """Both amounts for `amount` minor units of the fixed side (the sell currency or the buy currency)."""
    rate = customer_rate(mid_rate, spread_bps)
    scale = exponent(buy_currency) - exponent(sell_currency)
    with localcontext() as context:
        context.prec = 50
        if fixed == "sell":
            sell, buy = amount, int((Decimal(amount) * rate).scaleb(scale).to_integral_value(ROUND_FLOOR))
        else:
            buy, sell = amount, int((Decimal(amount) / rate).scaleb(-scale).to_integral_value(ROUND_CEILING))
    if sell <= 0 or buy <= 0:
        raise AmountTooSmall(f"At this rate the exchange would give nothing in {buy_currency}")
    return Price(rate=rate, sell_amount=sell, buy_amount=buy)
