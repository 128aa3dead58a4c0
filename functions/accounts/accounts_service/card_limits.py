"""Use cases of a card's owner and of staff: read and set the card's spending limits, list its purchases with
merchant names and categories (docs/cards.md). A customer reaches only their own cards (404 otherwise)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from accounts_service.card_repository import Authorization, CardLimits, CardRepository, CardWithAccount
from accounts_service.card_rules import category_names
from accounts_service.service import CardNotFound
from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from bank_shared.money import from_minor, to_minor
from bank_shared.timestamps import utc_text_or_none


@dataclass(frozen=True)
class LimitsChange:
    """Major-unit amounts in the account's currency; None is no limit."""

    per_purchase: str | None
    daily: str | None
    monthly: str | None
    online_enabled: bool
    cash_enabled: bool


def _visible_card(repository: CardRepository, principal: Principal, card_id: UUID) -> CardWithAccount:
    card = repository.card_with_account(card_id)
    if card is None or not (principal.is_staff or str(card.owner_id) == principal.subject):
        raise CardNotFound(f"No card {card_id}")
    return card


def _major(minor: int | None, currency: str) -> str | None:
    return None if minor is None else from_minor(minor, currency)


def limits_view(card: CardWithAccount, row: CardLimits | None) -> dict[str, Any]:
    currency = card.currency
    if row is None:
        return {"card_id": str(card.id), "currency": currency, "per_purchase": None, "daily": None,
                "monthly": None, "online_enabled": True, "cash_enabled": True, "updated_at": None}
    return {"card_id": str(card.id), "currency": currency,
            "per_purchase": _major(row.per_purchase, currency), "daily": _major(row.daily, currency),
            "monthly": _major(row.monthly, currency), "online_enabled": row.online_enabled,
            "cash_enabled": row.cash_enabled, "updated_at": utc_text_or_none(row.updated_at)}


def get_limits(uow: UnitOfWork, principal: Principal, card_id: UUID) -> dict[str, Any]:
    repository = CardRepository(uow.connection)
    card = _visible_card(repository, principal, card_id)
    return limits_view(card, repository.limits(card_id))


def set_limits(uow: UnitOfWork, principal: Principal, card_id: UUID, change: LimitsChange) -> dict[str, Any]:
    """Replace the card's limits (takes effect for the next authorization; what is held already stays)."""
    repository = CardRepository(uow.connection)
    card = _visible_card(repository, principal, card_id)
    currency = card.currency
    values = asdict(change)
    for name in ("per_purchase", "daily", "monthly"):
        values[name] = None if values[name] is None else to_minor(values[name], currency, allow_zero=True)
    return limits_view(card, repository.upsert_limits(card_id, values, principal.actor))


def purchase_view(row: Authorization) -> dict[str, Any]:
    return {
        "id": str(row.id), "rrn": row.rrn, "status": row.status,
        "pending": row.status in ("holding", "approved"),
        "response_code": row.response_code, "decline_reason": row.decline_reason,
        "merchant": {"name": row.merchant_name, "city": row.merchant_city,
                     "country": row.merchant_country},
        "mcc": row.mcc, "category": category_names(row.mcc), "channel": row.channel,
        "amount": from_minor(row.amount, row.currency), "currency": row.currency,
        "billed_amount": from_minor(row.cleared_amount or row.billed_amount, row.billed_currency),
        "billed_currency": row.billed_currency,
        "created_at": utc_text_or_none(row.created_at), "updated_at": utc_text_or_none(row.updated_at),
    }


def purchases(uow: UnitOfWork, principal: Principal, card_id: UUID, limit: int) -> list[dict[str, Any]]:
    """The card's purchases, newest first: pending (held), cleared, declined (with the reason), reversed, expired."""
    repository = CardRepository(uow.connection)
    _visible_card(repository, principal, card_id)
    return [purchase_view(row) for row in repository.purchases(card_id, limit)]
