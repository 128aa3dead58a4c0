"""What follows an approved card authorization (docs/cards.md): the network's clearing (capture) or reversal
(void), and the schedule's sweep of expired and half-done authorizations. Each ledger step runs under a key
derived from the authorization, so a repeated message or a retry changes nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from accounts_service.card_clients import card_ledger
from accounts_service.card_repository import Authorization, CardRepository
from accounts_service.card_rules import APPROVED, RESPONSE_CODES, Decline, convert
from accounts_service.card_service import (
    CLEARING_TOO_LARGE,
    NO_ORIGINAL,
    NOT_CLEARABLE,
    SETTLEMENT_OWNER,
    FollowUp,
    hold_body,
    network_answer,
    settlement_account,
)
from accounts_service.ledger_client import get_ledger
from accounts_service.settings import get_accounts_settings
from bank_shared.db import UnitOfWork
from bank_shared.errors import DependencyUnavailable
from bank_shared.money import InvalidAmount, from_minor, to_minor
from bank_shared.observability import logger

UNAVAILABLE = RESPONSE_CODES[Decline.ISSUER_UNAVAILABLE]
_registered: set[UUID] = set()  # settlement accounts this process registered in the ledger already


def _load(rrn: str) -> Authorization | None:
    with UnitOfWork() as uow:
        return CardRepository(uow.connection).authorization(rrn)


def _move(row: Authorization, from_status: str, to_status: str, **fields: Any) -> Authorization:
    with UnitOfWork() as uow:
        repository = CardRepository(uow.connection)
        moved = repository.transition(row.id, from_status, to_status, **fields)
        current = moved or repository.authorization(row.rrn)
    assert current is not None
    return current


def _ensure_settlement(currency: str) -> UUID:
    account = settlement_account(currency)
    if account not in _registered:
        get_ledger().register(account, SETTLEMENT_OWNER, currency, 0)
        _registered.add(account)
    return account


def _billed(message: FollowUp, row: Authorization) -> int | None:
    """The clearing amount in the account's currency at the authorization's own rate (None: not the currency
    of the authorization, or not an amount)."""
    if message.currency != row.currency:
        return None
    try:
        amount = to_minor(message.amount, message.currency)
    except InvalidAmount:
        return None
    return convert(amount, row.currency, Decimal(row.rate), row.billed_currency)


def clear(message: FollowUp) -> dict[str, Any]:
    """Answer a 0220 with a 0230: capture the hold (a smaller amount releases the rest)."""
    row = _load(message.rrn)
    if row is None:
        return network_answer("0230", message.stan, message.rrn, *NO_ORIGINAL)
    if row.status == "cleared":
        return network_answer("0230", message.stan, message.rrn, APPROVED, None, row)
    if row.status != "approved":
        return network_answer("0230", message.stan, message.rrn, NOT_CLEARABLE, f"authorization_{row.status}", row)
    billed = _billed(message, row)
    if billed is None:
        return network_answer("0230", message.stan, message.rrn, NOT_CLEARABLE, "clearing_currency_mismatch", row)
    if billed > row.billed_amount:
        return network_answer("0230", message.stan, message.rrn, *CLEARING_TOO_LARGE, row)
    try:
        target = _ensure_settlement(row.billed_currency)
        answer = card_ledger().capture(f"card-capture-{row.id}", row.held(), {
            "to_account_id": str(target), "amount": from_minor(billed, row.billed_currency),
            "description": f"Card: {row.merchant_name}"[:200],
            "counterparty": {"kind": "merchant", "name": str(row.merchant_name)[:120]}})
    except DependencyUnavailable:
        return network_answer("0230", message.stan, message.rrn, UNAVAILABLE, Decline.ISSUER_UNAVAILABLE.value, row)
    if answer.status == 201:
        current = _move(row, "approved", "cleared", cleared_amount=billed,
                        transaction_id=UUID(answer.body["transaction_id"]))
        return network_answer("0230", message.stan, message.rrn, APPROVED, None, current)
    if answer.body.get("code") == "hold_expired":
        _move(row, "approved", "expired")
    refusal = str(answer.body.get("code", "refused"))
    return network_answer("0230", message.stan, message.rrn, NOT_CLEARABLE, refusal, row)


def reverse(message: FollowUp) -> dict[str, Any]:
    """Answer a 0400 with a 0410: void the hold of an approved authorization."""
    row = _load(message.rrn)
    if row is None:
        return network_answer("0410", message.stan, message.rrn, *NO_ORIGINAL)
    if row.status in ("reversed", "declined", "expired"):
        return network_answer("0410", message.stan, message.rrn, APPROVED, None, row)
    if row.status != "approved":  # cleared: a refund is a new credit, not a reversal; holding: not answered
        return network_answer("0410", message.stan, message.rrn, NOT_CLEARABLE, f"authorization_{row.status}", row)
    try:
        status = _release(row)
    except DependencyUnavailable:
        return network_answer("0410", message.stan, message.rrn, UNAVAILABLE, Decline.ISSUER_UNAVAILABLE.value, row)
    if status is None:
        return network_answer("0410", message.stan, message.rrn, NOT_CLEARABLE, "authorization_cleared", row)
    return network_answer("0410", message.stan, message.rrn, APPROVED, None, _move(row, "approved", status))


def _release(row: Authorization) -> str | None:
    """Void the hold: 'reversed', or 'expired' when the ledger had released it already; None when it was
    captured (the clearing's record is behind: left for the next clearing message to finish); still pending
    raises DependencyUnavailable (no outcome yet)."""
    answer = card_ledger().void(f"card-void-{row.id}", row.held())
    if answer.status == 200:
        return "reversed"
    held = card_ledger().hold_status(row.held())
    if held == "pending":  # the void did not take (e.g. the same void in flight): no outcome yet, try again
        raise DependencyUnavailable("the hold is still pending", dependency="ledger")
    return None if held == "captured" else "expired"


def _settle_holding(row: Authorization) -> None:
    """A hold whose answer never reached the network (an outage mid-way): the network was told 91, so any hold
    the ledger placed is voided and the authorization recorded as declined 91."""
    answer = card_ledger().hold(f"card-hold-{row.id}", hold_body(row))
    if answer.status == 201:
        card_ledger().void(f"card-void-{row.id}", UUID(answer.body["id"]))
    _move(row, "holding", "declined", response_code=UNAVAILABLE, decline_reason=Decline.ISSUER_UNAVAILABLE.value)


def sweep(connection_uow: Callable[[], UnitOfWork] = UnitOfWork) -> int:
    """The schedule: release approved authorizations past their expiry, settle half-done ones. One short
    transaction per authorization, the ledger called between them; an outage leaves the rest for next time."""
    settings = get_accounts_settings()
    now = datetime.now(UTC)
    with connection_uow() as uow:
        rows = CardRepository(uow.connection).stale(
            now, now - timedelta(seconds=settings.card_holding_grace_seconds), settings.card_sweep_batch)
    settled = 0
    for row in rows:
        try:
            if row.status == "holding":
                _settle_holding(row)
            elif (status := _release(row)) is not None:
                _move(row, "approved", "expired" if status == "reversed" else status)
            settled += 1
        except DependencyUnavailable:
            logger.warning("card authorization sweep stopped: dependency unavailable")
            break
    return settled
