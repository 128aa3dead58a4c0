"""Use cases of card spending, driven by the card network's messages (docs/cards.md):

* ``0100`` authorize: the card's status and limits, conversion of a foreign currency at the bank's card rate,
  then a ledger hold (the available balance is the ledger's to judge: 51 when short);
* ``0220`` clear: capture the hold (a smaller amount releases the rest; a larger one is refused, code 13);
* ``0400`` reverse: void the hold;
* the schedule: approved authorizations past their expiry are released, half-done ones settled.

Every message is idempotent on its RRN: the authorization row is unique by RRN, and each ledger step runs
under a key derived from the authorization (``card-hold-<id>``, ``card-capture-<id>``, ``card-void-<id>``), so
a repeated message or a retry after a crash never holds, captures or voids twice. No network call is made
while a transaction is open: read, call, then record the outcome in a short transaction of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from accounts_service.card_clients import card_ledger, rates
from accounts_service.card_repository import Authorization, CardLimits, CardRepository, CardWithAccount
from accounts_service.card_rules import (
    APPROVED,
    RESPONSE_CODES,
    CardState,
    Decline,
    Limits,
    Spent,
    card_rate,
    convert,
    decide,
)
from accounts_service.settings import get_accounts_settings
from bank_shared.db import UnitOfWork
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer
from bank_shared.money import from_minor, to_minor
from bank_shared.observability import logger

SETTLEMENT_OWNER = uuid.uuid5(uuid.NAMESPACE_URL, "bank:card-network")
CLEARING_TOO_LARGE = ("13", "clearing_exceeds_authorization")
NO_ORIGINAL = ("25", "original_not_found")
NOT_CLEARABLE = "12"


@dataclass(frozen=True)
class Purchase:
    """A 0100 authorization request, as the route parsed it."""

    stan: str
    rrn: str
    card_ref: UUID
    amount: str
    currency: str
    mcc: str
    channel: str
    merchant_name: str
    merchant_city: str = ""
    merchant_country: str = ""


@dataclass(frozen=True)
class FollowUp:
    """A 0220 clearing or 0400 reversal naming its authorization by RRN."""

    stan: str
    rrn: str
    amount: str
    currency: str


def settlement_account(currency: str) -> UUID:
    """The ledger account card purchases in `currency` settle to (owed to the card network)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"bank:card-network-settlement:{currency}")


def network_answer(mti: str, stan: str, rrn: str, code: str, reason: str | None = None,
                   row: Authorization | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"mti": mti, "stan": stan, "rrn": rrn, "response_code": code, "reason": reason,
                            "auth_code": None, "billed_amount": None, "billed_currency": None}
    if row is not None:
        # A clearing answers with the amount captured, every other message with the amount authorized.
        billed = row.cleared_amount if mti == "0230" and row.cleared_amount else row.billed_amount
        body.update(auth_code=row.auth_code, billed_currency=row.billed_currency,
                    billed_amount=from_minor(billed, row.billed_currency))
    return body


def authorization_answer(row: Authorization, stan: str) -> dict[str, Any]:
    code = row.response_code or RESPONSE_CODES[Decline.ISSUER_UNAVAILABLE]
    return network_answer("0110", stan, row.rrn, code, row.decline_reason, row)


def _declined(stan: str, rrn: str, reason: Decline) -> dict[str, Any]:
    return network_answer("0110", stan, rrn, RESPONSE_CODES[reason], reason.value)


def _rate(currency: str, account_currency: str) -> Decimal | None:
    if currency == account_currency:
        return Decimal(1)
    mid = rates().mid_rate(currency, account_currency)
    return None if mid is None else card_rate(mid, get_accounts_settings().card_fx_markup_bps)


def _month_and_day(now: datetime) -> tuple[datetime, datetime]:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day.replace(day=1), day


def _limits(row: CardLimits | None) -> Limits:
    if row is None:
        return Limits()
    return Limits(row.per_purchase, row.daily, row.monthly, row.online_enabled, row.cash_enabled)


def _expired(card: CardWithAccount, now: datetime) -> bool:
    return (card.expiry_year, card.expiry_month) < (now.year, now.month)


def authorize(purchase: Purchase) -> dict[str, Any]:
    """Answer a 0100 with a 0110; a repeated RRN gets the first answer (a half-done one is finished first)."""
    with UnitOfWork() as uow:
        repository = CardRepository(uow.connection)
        existing = repository.authorization(purchase.rrn)
        card = repository.card_with_account(purchase.card_ref) if existing is None else None
    if existing is not None:
        return _finish(existing, purchase.stan)
    if card is None:
        return _declined(purchase.stan, purchase.rrn, Decline.UNKNOWN_CARD)
    try:
        rate = _rate(purchase.currency, card.currency)
    except DependencyUnavailable:
        return _declined(purchase.stan, purchase.rrn, Decline.ISSUER_UNAVAILABLE)
    if rate is None:
        return _declined(purchase.stan, purchase.rrn, Decline.CURRENCY_NOT_CONVERTIBLE)
    row = _record(purchase, rate)
    return _finish(row, purchase.stan)


def _record(purchase: Purchase, rate: Decimal) -> Authorization:
    """Decide and store the authorization under the card's lock, so concurrent purchases respect the limits."""
    settings = get_accounts_settings()
    now = datetime.now(UTC)
    amount = to_minor(purchase.amount, purchase.currency)
    with UnitOfWork() as uow:
        repository = CardRepository(uow.connection)
        card = repository.card_with_account(purchase.card_ref, lock=True)
        assert card is not None  # cards are never deleted
        existing = repository.authorization(purchase.rrn)
        if existing is not None:  # the same message, concurrently
            return existing
        billed = convert(amount, purchase.currency, rate, card.currency)
        month_start, day_start = _month_and_day(now)
        spent = Spent(*repository.spent_since(card.id, day_start, month_start))
        state = CardState(card.status, card.account_status, _expired(card, now))
        decline = decide(state, purchase.channel, billed, _limits(repository.limits(card.id)), spent)
        return repository.insert_authorization({
            "id": uuid.uuid4(), "rrn": purchase.rrn, "stan": purchase.stan, "card_id": card.id,
            "account_id": card.account_id, "channel": purchase.channel, "mcc": purchase.mcc,
            "merchant_name": purchase.merchant_name, "merchant_city": purchase.merchant_city,
            "merchant_country": purchase.merchant_country, "amount": amount, "currency": purchase.currency,
            "billed_amount": billed, "billed_currency": card.currency, "rate": rate,
            "status": "declined" if decline else "holding",
            "response_code": RESPONSE_CODES[decline] if decline else None,
            "decline_reason": decline.value if decline else None,
            "expires_at": now + timedelta(seconds=settings.card_authorization_ttl_seconds),
        })


def hold_body(row: Authorization) -> dict[str, Any]:
    """The same body on every attempt (the ledger refuses a key reused with another body)."""
    return {"account_id": str(row.account_id), "amount": from_minor(row.billed_amount, row.billed_currency),
            "currency": row.billed_currency, "ttl_seconds": get_accounts_settings().card_authorization_ttl_seconds,
            "description": f"Card: {row.merchant_name}"[:200]}


def _finish(row: Authorization, stan: str) -> dict[str, Any]:
    """Place the hold of a `holding` authorization and record the outcome; other states answer as stored."""
    if row.status != "holding":
        return authorization_answer(row, stan)
    try:
        answer = card_ledger().hold(f"card-hold-{row.id}", hold_body(row))
    except DependencyUnavailable:
        answer = None
    if answer is None or answer.body.get("code") == "idempotency_request_in_flight":
        # No outcome yet (an outage, or the same message being held right now): the row stays holding for the
        # repeat or the sweep; the network is told 91, never a decline that would leave a hold behind.
        logger.warning("card authorization left holding", extra={"rrn": row.rrn})
        return _declined(stan, row.rrn, Decline.ISSUER_UNAVAILABLE)
    with UnitOfWork() as uow:
        repository = CardRepository(uow.connection)
        if answer.status == 201:
            moved = repository.transition(row.id, "holding", "approved", response_code=APPROVED,
                                          hold_id=UUID(answer.body["id"]), auth_code=row.id.hex[:6].upper())
        else:
            reason = _hold_refusal(answer)
            moved = repository.transition(row.id, "holding", "declined", response_code=RESPONSE_CODES[reason],
                                          decline_reason=reason.value)
        current = moved or repository.authorization(row.rrn)
    assert current is not None
    return authorization_answer(current, stan)


def _hold_refusal(answer: Answer) -> Decline:
    code = answer.body.get("code")
    if code == "insufficient_funds":
        return Decline.INSUFFICIENT_FUNDS
    if code in ("account_closed", "account_not_active"):
        return Decline.ACCOUNT_CLOSED
    return Decline.REFUSED
