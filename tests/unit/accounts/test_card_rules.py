"""Card spending rules without a database: which limit or state declines a purchase and with which ISO code,
conversion at the card rate with its rounding, merchant categories in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts_service.card_rules import (
    RESPONSE_CODES,
    CardState,
    Decline,
    Limits,
    Spent,
    card_rate,
    category_names,
    convert,
    decide,
)

ACTIVE = CardState("active", "active", expired=False)


@pytest.mark.parametrize(("state", "channel", "limits", "expected"), [
    (CardState("blocked", "active", False), "pos", Limits(), Decline.CARD_BLOCKED),
    (CardState("active", "closed", False), "pos", Limits(), Decline.ACCOUNT_CLOSED),
    (CardState("active", "active", True), "pos", Limits(), Decline.CARD_EXPIRED),
    (ACTIVE, "online", Limits(online_enabled=False), Decline.ONLINE_DISABLED),
    (ACTIVE, "atm", Limits(cash_enabled=False), Decline.CASH_DISABLED),
    (ACTIVE, "pos", Limits(online_enabled=False, cash_enabled=False), None),
    (ACTIVE, "pos", Limits(per_purchase=999), Decline.PER_PURCHASE_LIMIT),
    (ACTIVE, "pos", Limits(per_purchase=1000), None),
])
def test_state_and_channel_rules(state: CardState, channel: str, limits: Limits, expected: Decline | None) -> None:
    assert decide(state, channel, 1000, limits, Spent()) == expected


def test_daily_and_monthly_limits_count_what_is_already_spent() -> None:
    limits = Limits(daily=5000, monthly=20000)
    assert decide(ACTIVE, "pos", 1000, limits, Spent(today=4000, month=4000)) is None
    assert decide(ACTIVE, "pos", 1001, limits, Spent(today=4000, month=4000)) == Decline.DAILY_LIMIT
    assert decide(ACTIVE, "pos", 1000, limits, Spent(today=0, month=19500)) == Decline.MONTHLY_LIMIT
    assert decide(ACTIVE, "pos", 1, Limits(daily=0), Spent()) == Decline.DAILY_LIMIT


def test_each_reason_has_its_iso_code() -> None:
    assert set(RESPONSE_CODES) == set(Decline)
    assert RESPONSE_CODES[Decline.INSUFFICIENT_FUNDS] == "51"
    assert {RESPONSE_CODES[d] for d in (Decline.DAILY_LIMIT, Decline.MONTHLY_LIMIT, Decline.PER_PURCHASE_LIMIT)} \
        == {"61"}
    assert RESPONSE_CODES[Decline.CARD_BLOCKED] == "62"
    assert RESPONSE_CODES[Decline.ONLINE_DISABLED] == RESPONSE_CODES[Decline.CASH_DISABLED] == "57"


def test_conversion_at_the_card_rate_rounds_half_up_to_the_minor_unit() -> None:
    rate = card_rate(Decimal("90"), 150)  # 90 RUB per USD + 1.5 %
    assert rate == Decimal("91.35")
    assert convert(1000, "USD", rate, "RUB") == 91350  # 10.00 USD → 913.50 RUB
    assert convert(1, "USD", Decimal("0.005"), "EUR") == 1  # never free
    assert convert(333, "USD", Decimal("1.5"), "EUR") == 500  # 4.995 → 5.00 (half up)
    assert convert(100, "JPY", Decimal("0.6"), "RUB") == 6000  # exponents differ: 100 JPY → 60.00 RUB
    assert convert(1234, "RUB", Decimal("2"), "RUB") == 1234  # same currency: no conversion


def test_categories_in_both_languages() -> None:
    assert category_names("5411") == {"code": "groceries", "en": "Groceries", "ru": "Супермаркеты"}
    assert category_names("6011")["code"] == "cash"
    assert category_names("5814")["code"] == "restaurants"
    assert category_names("3005")["code"] == "travel"
    assert category_names("0742") == {"code": "other", "en": "Other", "ru": "Прочее"}
