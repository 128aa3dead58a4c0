"""Quote pricing: the spread and every rounding go the bank's way; the recorded rate reproduces the amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fx_service.pricing import AmountTooSmall, customer_rate, price


def test_spread_lowers_the_customers_rate() -> None:
    assert customer_rate(Decimal("0.86371"), 50) == Decimal("0.859391450000")
    assert customer_rate(Decimal("1.5"), 0) == Decimal("1.5")


def test_selling_a_fixed_amount_rounds_the_bought_amount_down() -> None:
    quote = price(Decimal("0.86371"), 50, "USD", "EUR", 10_00, "sell")
    assert (quote.sell_amount, quote.buy_amount) == (10_00, 8_59)  # 8.5939… → 8.59


def test_buying_a_fixed_amount_rounds_the_sold_amount_up() -> None:
    quote = price(Decimal("1.1578"), 50, "EUR", "USD", 1_00, "buy")
    assert (quote.sell_amount, quote.buy_amount) == (87, 1_00)  # 0.86804… → 0.87


def test_currencies_with_other_exponents() -> None:
    to_yen = price(Decimal("157.03"), 50, "USD", "JPY", 1_00, "sell")
    assert to_yen.buy_amount == 156  # 156.24515 → 156 yen (exponent 0)
    from_yen = price(Decimal("0.006368"), 50, "JPY", "USD", 1_00, "buy")
    assert from_yen.sell_amount == 158  # 100 / 0.00633616 = 157.82… → 158 yen


def test_too_small_to_give_anything() -> None:
    with pytest.raises(AmountTooSmall):
        price(Decimal("0.006368"), 50, "JPY", "USD", 1, "sell")


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        customer_rate(Decimal(0), 50)
    with pytest.raises(ValueError):
        customer_rate(Decimal(1), 6000)


@given(mid=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("20000"), places=6),
       spread=st.integers(min_value=0, max_value=500), amount=st.integers(min_value=1, max_value=10**12),
       fixed=st.sampled_from(["sell", "buy"]))
def test_never_in_the_customers_favour(mid: Decimal, spread: int, amount: int, fixed: str) -> None:
    try:
        quote = price(mid, spread, "USD", "EUR", amount, fixed)  # type: ignore[arg-type]
    except AmountTooSmall:
        return
    # What the customer receives is never worth more than what they pay, at the mid rate, less the spread.
    assert Decimal(quote.buy_amount) <= Decimal(quote.sell_amount) * quote.rate
    assert quote.rate <= mid
    fixed_amount = quote.sell_amount if fixed == "sell" else quote.buy_amount
    assert fixed_amount == amount
