"""The rules of card spending that need no database and no network: limits, decline reasons and their
ISO 8583 response codes, currency conversion at the bank's card rate, merchant categories (docs/cards.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bank_shared.money import exponent


class Decline(StrEnum):
    """Why an authorization is declined; the value is the reason the 0110 and the history carry."""

    UNKNOWN_CARD = "unknown_card"
    CARD_BLOCKED = "card_blocked"
    ACCOUNT_CLOSED = "account_closed"
    CARD_EXPIRED = "card_expired"
    ONLINE_DISABLED = "online_disabled"
    CASH_DISABLED = "cash_disabled"
    PER_PURCHASE_LIMIT = "per_purchase_limit_exceeded"
    DAILY_LIMIT = "daily_limit_exceeded"
    MONTHLY_LIMIT = "monthly_limit_exceeded"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    CURRENCY_NOT_CONVERTIBLE = "currency_not_convertible"
    REFUSED = "refused"
    ISSUER_UNAVAILABLE = "issuer_unavailable"


APPROVED = "00"
# ISO 8583 field 39 for each reason.
RESPONSE_CODES: dict[Decline, str] = {
    Decline.UNKNOWN_CARD: "14",        # invalid card number
    Decline.CARD_BLOCKED: "62",        # restricted card
    Decline.ACCOUNT_CLOSED: "62",
    Decline.CARD_EXPIRED: "54",        # expired card
    Decline.ONLINE_DISABLED: "57",     # transaction not permitted to cardholder
    Decline.CASH_DISABLED: "57",
    Decline.PER_PURCHASE_LIMIT: "61",  # exceeds withdrawal amount limit
    Decline.DAILY_LIMIT: "61",
    Decline.MONTHLY_LIMIT: "61",
    Decline.INSUFFICIENT_FUNDS: "51",  # not sufficient funds
    Decline.CURRENCY_NOT_CONVERTIBLE: "12",  # invalid transaction
    Decline.REFUSED: "05",             # do not honour
    Decline.ISSUER_UNAVAILABLE: "91",  # issuer or switch inoperative
}


@dataclass(frozen=True)
class Limits:
    """Minor units of the account's currency; None is no limit."""

    per_purchase: int | None = None
    daily: int | None = None
    monthly: int | None = None
    online_enabled: bool = True
    cash_enabled: bool = True


@dataclass(frozen=True)
class Spent:
    """What the card already spent (held or cleared) today and this month (UTC), in the account's currency."""

    today: int = 0
    month: int = 0


@dataclass(frozen=True)
class CardState:
    card_status: str
    account_status: str
    expired: bool


def decide(state: CardState, channel: str, amount: int, limits: Limits, spent: Spent) -> Decline | None:
    """The first rule the purchase breaks, or None when the card may spend `amount` (funds are the ledger's)."""
    if state.account_status != "active":
        return Decline.ACCOUNT_CLOSED
    if state.card_status != "active":
        return Decline.CARD_BLOCKED
    if state.expired:
        return Decline.CARD_EXPIRED
    if channel == "online" and not limits.online_enabled:
        return Decline.ONLINE_DISABLED
    if channel == "atm" and not limits.cash_enabled:
        return Decline.CASH_DISABLED
    return _over_limit(amount, limits, spent)


def _over_limit(amount: int, limits: Limits, spent: Spent) -> Decline | None:
    checks = ((limits.per_purchase, 0, Decline.PER_PURCHASE_LIMIT), (limits.daily, spent.today, Decline.DAILY_LIMIT),
              (limits.monthly, spent.month, Decline.MONTHLY_LIMIT))
    for limit, already, reason in checks:
        if limit is not None and already + amount > limit:
            return reason
    return None


def card_rate(mid_rate: Decimal, markup_bps: int) -> Decimal:
    """The bank's card rate: the reference rate plus the conversion markup (account units per purchase unit)."""
    return mid_rate * (Decimal(10000 + markup_bps) / Decimal(10000))


def convert(amount: int, currency: str, rate: Decimal, to_currency: str) -> int:
    """`amount` minor units of `currency` in minor units of `to_currency` at `rate`, rounded half up to the
    minor unit (never below one minor unit: a purchase is never free)."""
    if currency == to_currency:
        return amount
    major = Decimal(amount).scaleb(-exponent(currency)) * rate
    minor = int(major.scaleb(exponent(to_currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(minor, 1)


# MCC ranges → category (ISO 18245 groups as the networks publish them), with the names in both languages.
CATEGORIES: dict[str, tuple[str, str]] = {
    "groceries": ("Groceries", "Супермаркеты"),
    "restaurants": ("Restaurants and cafés", "Рестораны и кафе"),
    "transport": ("Transport", "Транспорт"),
    "fuel": ("Fuel", "Заправки"),
    "travel": ("Travel", "Путешествия"),
    "pharmacy": ("Pharmacy and health", "Аптеки и здоровье"),
    "clothing": ("Clothing and shoes", "Одежда и обувь"),
    "electronics": ("Electronics", "Электроника"),
    "telecom": ("Phone and internet", "Связь и интернет"),
    "entertainment": ("Entertainment", "Развлечения"),
    "cash": ("Cash", "Наличные"),
    "other": ("Other", "Прочее"),
}
_MCC_RANGES: tuple[tuple[int, int, str], ...] = (
    (3000, 3350, "travel"), (3351, 3999, "travel"), (4011, 4131, "transport"), (4411, 4411, "travel"),
    (4511, 4511, "travel"), (4722, 4722, "travel"), (4784, 4789, "transport"), (4812, 4816, "telecom"),
    (4899, 4899, "telecom"), (5044, 5045, "electronics"), (5411, 5411, "groceries"), (5422, 5499, "groceries"),
    (5541, 5542, "fuel"), (5611, 5699, "clothing"), (5722, 5734, "electronics"), (5811, 5814, "restaurants"),
    (5912, 5912, "pharmacy"), (6010, 6011, "cash"), (7011, 7012, "travel"), (7832, 7841, "entertainment"),
    (7991, 7999, "entertainment"), (8011, 8099, "pharmacy"),
)


def category_of(mcc: str) -> str:
    code = int(mcc)
    return next((name for low, high, name in _MCC_RANGES if low <= code <= high), "other")


def category_names(mcc: str) -> dict[str, str]:
    category = category_of(mcc)
    english, russian = CATEGORIES[category]
    return {"code": category, "en": english, "ru": russian}
