"""A card's limits and purchases as its owner and staff see them, in the fast tier over an in-memory repository:
another customer's card is not found, limits are stored in minor units of the account's currency and shown in
major ones, no row means no limits, purchases carry merchant and category. Each test names the bug that makes it
fail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from accounts_service import card_limits
from accounts_service.card_limits import LimitsChange
from accounts_service.card_repository import Authorization, CardLimits, CardWithAccount
from accounts_service.service import CardNotFound
from bank_shared.auth import Principal
from bank_shared.rows import row_as, row_or_none
from tests.support.fake_db import fake_unit_of_work

OWNER = uuid.uuid4()
CARD = {"id": uuid.uuid4(), "account_id": uuid.uuid4(), "status": "active", "expiry_month": 12, "expiry_year": 2030,
        "owner_id": OWNER, "currency": "RUB", "account_status": "active"}
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


class InMemoryCards:
    limits_row: dict[str, Any] | None = None

    def __init__(self, _connection: Any) -> None:
        pass

    def card_with_account(self, card_id: UUID, *, lock: bool = False) -> CardWithAccount | None:
        return row_as(CardWithAccount, CARD) if card_id == CARD["id"] else None

    def limits(self, card_id: UUID) -> CardLimits | None:
        return row_or_none(CardLimits, self.limits_row)

    def upsert_limits(self, card_id: UUID, values: dict[str, Any], updated_by: str) -> CardLimits:
        InMemoryCards.limits_row = {**values, "card_id": card_id, "updated_at": NOW, "updated_by": updated_by}
        return row_as(CardLimits, InMemoryCards.limits_row)

    def purchases(self, card_id: UUID, limit: int) -> list[Authorization]:
        return [Authorization(
            id=uuid.uuid4(), rrn="000000000001", stan="000001", card_id=card_id, account_id=CARD["id"],
            channel="pos", mcc="5814", merchant_name="Кофейня", merchant_city="Москва", merchant_country="RU",
            amount=35_000, currency="RUB", billed_amount=35_000, billed_currency="RUB", rate=Decimal(1),
            status="holding", response_code="00", decline_reason=None, auth_code=None, hold_id=None,
            cleared_amount=None, transaction_id=None, expires_at=NOW, created_at=NOW, updated_at=NOW)][:limit]


@pytest.fixture(autouse=True)
def cards(monkeypatch: pytest.MonkeyPatch) -> None:
    InMemoryCards.limits_row = None
    monkeypatch.setattr(card_limits, "CardRepository", InMemoryCards)


def run(use_case: Any, *args: Any) -> Any:
    with fake_unit_of_work() as uow:
        return use_case(uow, *args)


def person(subject: UUID, role: str = "customer") -> Principal:
    return Principal(str(subject), frozenset({role}), frozenset(), {})


def test_no_row_means_no_limits_and_both_channels_on() -> None:
    view = run(card_limits.get_limits, person(OWNER), CARD["id"])
    assert (view["per_purchase"], view["daily"], view["monthly"]) == (None, None, None)
    assert view["online_enabled"] and view["cash_enabled"] and view["currency"] == "RUB"


def test_limits_are_stored_in_minor_units_and_shown_in_major_ones() -> None:
    change = LimitsChange(per_purchase="1500.50", daily="3000", monthly=None, online_enabled=False, cash_enabled=True)
    view = run(card_limits.set_limits, person(OWNER), CARD["id"], change)
    assert InMemoryCards.limits_row is not None and InMemoryCards.limits_row["per_purchase"] == 150_050  # bug: major
    assert (view["per_purchase"], view["daily"], view["monthly"]) == ("1500.50", "3000.00", None)
    assert view["online_enabled"] is False and view["updated_at"] == "2026-12-03T10:00:00Z"
    staff = run(card_limits.get_limits, person(uuid.uuid4(), "employee"), CARD["id"])
    assert staff["daily"] == "3000.00"  # staff read any card's limits


def test_another_customers_card_is_not_found_for_every_use() -> None:
    stranger = person(uuid.uuid4())
    change = LimitsChange(per_purchase=None, daily=None, monthly="1", online_enabled=True, cash_enabled=True)
    for use_case, args in ((card_limits.get_limits, ()), (card_limits.set_limits, (change,)),
                           (card_limits.purchases, (10,))):
        with pytest.raises(CardNotFound):
            run(use_case, stranger, CARD["id"], *args)
    assert InMemoryCards.limits_row is None  # bug: a stranger's change was stored


def test_purchases_carry_merchant_category_and_pending_state() -> None:
    [purchase] = run(card_limits.purchases, person(OWNER), CARD["id"], 10)
    assert purchase["pending"] and purchase["merchant"]["name"] == "Кофейня"
    assert purchase["amount"] == "350.00" and purchase["category"]  # MCC 5814 named in both languages
