"""Card top-ups: money in from a card of another bank through the card acquirer (docs/payments.md "Money in").

    creating --(acquirer made the payment)--> pending --(succeeded: ledger credit)--> succeeded
        |                                        |--(canceled: the card was declined)--> failed
        |                                        '--(succeeded, the ledger refused the credit)--> refunding
        '--(the acquirer never answered, after the reconcile delay)--> failed (not_started)
    refunding --(the acquirer refunded the card: card_topup_refunds)--> refunded

The customer's request stores the row first, asks the acquirer for a payment (under the top-up's id as its
Idempotence-Key) outside any transaction, then stores the payment id and the payment page's URL. The outcome
comes in by the acquirer's signed webhook or, when that is late, by the schedule asking the acquirer: both go
through `apply_outcome`, which credits the account once (the ledger's Idempotency-Key is ``card-topup-<id>`` and
the row moves pending -> succeeded only once). A credit the ledger refuses for good is refunded to the card,
once (card_topup_refunds).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from accounts_service import card_topup_refunds
from accounts_service.card_topups_clients import PaymentUnknown, get_acquirer, get_credit_ledger
from accounts_service.card_topups_repository import CardTopupsRepository, Topup
from accounts_service.repository import AccountsRepository
from accounts_service.settings import get_accounts_settings
from bank_shared.acquiring import mask_pan
from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    DependencyUnavailable,
    IdempotencyKeyReused,
    NotFound,
    Unprocessable,
)
from bank_shared.money import from_minor, to_minor
from bank_shared.observability import logger
from bank_shared.timestamps import utc_text

PAYMENT_STATUSES = ("pending", "succeeded", "canceled")


class CardTopupNotFound(NotFound):
    code, title = "card_topup_not_found", "Card top-up not found"


class CardTopupAmountOutOfRange(Unprocessable):
    code, title = "card_topup_amount_out_of_range", "The amount is outside the card top-up limits"


class CardTopupCurrencyNotSupported(Unprocessable):
    code, title = "card_topup_currency_not_supported", "Card top-ups are taken in this currency only for now"


class CardTopupMismatch(Unprocessable):
    code, title = "card_topup_mismatch", "The acquirer's payment does not match the top-up"


@dataclass(frozen=True)
class TopupRequest:
    owner_id: UUID
    account_id: UUID
    amount: str
    currency: str
    key: str


def topup_view(row: Topup) -> dict[str, Any]:
    return {"id": row.id, "account_id": row.account_id, "amount": from_minor(row.amount, row.currency),
            "currency": row.currency, "status": row.status, "confirmation_url": row.confirmation_url,
            "card_mask": row.card_mask, "failure_reason": row.failure_reason,
            "transaction_id": row.transaction_id, "created_at": utc_text(row.created_at),
            "updated_at": utc_text(row.updated_at)}


def _checked_amount(request: TopupRequest) -> int:
    settings = get_accounts_settings()
    if request.currency not in settings.card_topup_currencies.split(","):
        raise CardTopupCurrencyNotSupported(f"Card top-ups are taken in {settings.card_topup_currencies} only",
                                            currencies=settings.card_topup_currencies.split(","))
    amount = to_minor(request.amount, request.currency)
    low, high = settings.card_topup_min_minor, settings.card_topup_max_minor
    if not low <= amount <= high:
        raise CardTopupAmountOutOfRange(
            f"A card top-up is from {from_minor(low, request.currency)} to {from_minor(high, request.currency)} "
            f"{request.currency}", min=from_minor(low, request.currency), max=from_minor(high, request.currency))
    return amount


def _record(request: TopupRequest, amount: int) -> Topup:
    """The top-up's row, new or the one this Idempotency-Key made before (the same request only)."""
    with UnitOfWork() as uow:
        account = AccountsRepository(uow.connection).get(request.account_id)
        if account is None or account.owner_id != request.owner_id:
            raise AccountNotFound(f"No account {request.account_id}")
        repository = CardTopupsRepository(uow.connection)
        row = repository.insert(uuid.uuid4(), request.owner_id, request.account_id, request.key, amount,
                                request.currency) or repository.by_key(request.owner_id, request.key)
        assert row is not None
        if (row.account_id, row.amount, row.currency) != (request.account_id, amount, request.currency):
            raise IdempotencyKeyReused()
        if row.status == "creating" and account.status != "active":
            raise AccountClosed(f"Account {request.account_id} is closed")
        if row.status == "creating" and account.currency != request.currency:
            raise CardTopupCurrencyNotSupported(f"The account is in {account.currency}")
    return row


def start(request: TopupRequest) -> dict[str, Any]:
    """Create the top-up and its payment at the acquirer; answers the payment page to send the browser to."""
    row = _record(request, _checked_amount(request))
    if row.status != "creating":
        return topup_view(row)
    return_url = f"{get_accounts_settings().spa_base_url.rstrip('/')}/lk/topup/return/?topup={row.id}"
    payment = get_acquirer().create_payment(str(row.id), {  # outside any transaction
        "amount": {"value": from_minor(row.amount, row.currency), "currency": row.currency},
        "capture": True, "description": f"Пополнение счёта / Account top-up {str(row.id)[:8]}",
        "metadata": {"order_id": str(row.id)},
        "confirmation": {"type": "redirect", "return_url": return_url}})
    with UnitOfWork() as uow:
        repository = CardTopupsRepository(uow.connection)
        moved = repository.transition(row.id, "creating", "pending", payment_id=str(payment["id"]),
                                      confirmation_url=str(payment["confirmation"]["confirmation_url"]))
        current = moved or repository.get(row.id)
    assert current is not None
    return topup_view(current)


def get(owner_id: UUID, topup_id: UUID) -> dict[str, Any]:
    with UnitOfWork() as uow:
        row = CardTopupsRepository(uow.connection).get(topup_id)
    if row is None or row.owner_id != owner_id:
        raise CardTopupNotFound(f"No card top-up {topup_id}")
    return topup_view(row)


def _card_mask(payment: dict[str, Any]) -> str | None:
    card = (payment.get("payment_method") or {}).get("card") or {}
    first6, last4 = str(card.get("first6", "")), str(card.get("last4", ""))
    return mask_pan(first6 + "00" + last4) if len(first6) == 6 and len(last4) == 4 else None


def _last4(payment: dict[str, Any]) -> str | None:
    """The paying card's last four digits, as the account's history names it ("•• 4242")."""
    last4 = str(((payment.get("payment_method") or {}).get("card") or {}).get("last4", ""))
    return last4 if len(last4) == 4 and last4.isdigit() else None


def _move(row: Topup, to_status: str, **fields: Any) -> Topup:
    with UnitOfWork() as uow:
        repository = CardTopupsRepository(uow.connection)
        current = repository.transition(row.id, "pending", to_status, **fields) or repository.get(row.id)
    assert current is not None
    return current


def _credit(row: Topup, payment: dict[str, Any]) -> Topup:
    if row.status == "refunding":  # a refund left half-done: ask again under the same key
        return card_topup_refunds.refund(row)
    if row.status != "pending":
        if row.status not in ("succeeded", "refunded"):
            logger.warning("card top-up: succeeded payment for a top-up that is %s", row.status)
        return row
    mask = _card_mask(payment)
    answer = get_credit_ledger().topup(f"card-topup-{row.id}", {
        "account_id": str(row.account_id), "amount": from_minor(row.amount, row.currency),
        "currency": row.currency, "source": "settlement", "requested_by": str(row.owner_id),
        "description": f"Card top-up {mask or ''}".strip(),
        **({"counterparty": {"kind": "card", "name": f"•• {last4}"}} if (last4 := _last4(payment)) else {})})
    if answer.ok:
        return _move(row, "succeeded", transaction_id=UUID(str(answer.body["transaction_id"])), card_mask=mask)
    if not card_topup_refunds.is_definite_refusal(answer):  # busy or in flight: the acquirer retries, or the sweep
        raise DependencyUnavailable(f"ledger answered {answer.status}", dependency="ledger")
    # The ledger refused for good (the account closed meanwhile, a balance ceiling): the card is refunded.
    moved = _move(row, "refunding", failure_reason=card_topup_refunds.refusal_reason(answer), card_mask=mask)
    return card_topup_refunds.refund(moved)


def apply_outcome(payment: dict[str, Any]) -> dict[str, Any]:
    """The acquirer's word on a payment (a webhook's object or its GET): credit once, fail, or wait."""
    with UnitOfWork() as uow:
        row = CardTopupsRepository(uow.connection).by_payment(str(payment.get("id", "")))
    if row is None:
        raise CardTopupNotFound("No card top-up for this payment")
    amount = payment.get("amount") or {}
    if (str(amount.get("value")), amount.get("currency")) != (from_minor(row.amount, row.currency),
                                                             row.currency):
        raise CardTopupMismatch("The payment's amount is not the top-up's")
    status = payment.get("status")
    if status == "succeeded":
        row = _credit(row, payment)
    elif status == "canceled" and row.status == "pending":
        reason = str((payment.get("cancellation_details") or {}).get("reason", "canceled"))[:100]
        row = _move(row, "failed", failure_reason=reason, card_mask=_card_mask(payment))
    return topup_view(row)


def apply_refund(refund: dict[str, Any]) -> dict[str, Any]:
    """The acquirer's ``refund.succeeded`` webhook: the top-up refunded (once, whoever tells first)."""
    row = card_topup_refunds.finish(refund)
    if row is None:
        raise CardTopupNotFound("No card top-up for this refund's payment")
    return topup_view(row)


def _abandon(row: Topup) -> None:
    with UnitOfWork() as uow:
        CardTopupsRepository(uow.connection).transition(row.id, "creating", "failed", failure_reason="not_started")


def _settle(row: Topup) -> bool:
    """One stale top-up: settled (True) or still open; an outage raises."""
    if row.status == "creating":
        _abandon(row)
        return False
    if row.status == "refunding":
        try:
            return bool(card_topup_refunds.refund(row).status == "refunded")
        except DependencyUnavailable:  # a refund the acquirer keeps refusing must not hold back the rows behind it
            logger.warning("card top-up refund not finished; asked again next time", extra={"topup_id": str(row.id)})
            return False
    assert row.payment_id is not None, "a pending top-up has its payment (set with the move to pending)"
    try:
        payment = get_acquirer().get_payment(row.payment_id)
    except PaymentUnknown:  # one top-up the acquirer does not know must not hold back the rows behind it
        logger.error("card top-up's payment unknown to the acquirer; left open", extra={"topup_id": str(row.id)})
        return False
    return bool(apply_outcome(payment)["status"] != "pending")


def sweep(now: datetime) -> dict[str, int]:
    """The schedule: top-ups open longer than the reconcile delay are settled by asking the acquirer (a webhook
    lost or late); ones the acquirer never took are failed; refunds left half-done are asked for again (the same
    key: never a second refund; one the acquirer refuses is skipped until next time). An acquirer or ledger
    outage leaves the rest for next time."""
    settings = get_accounts_settings()
    with UnitOfWork() as uow:
        rows = CardTopupsRepository(uow.connection).stale(
            now - timedelta(seconds=settings.card_topup_reconcile_after_seconds), settings.card_topup_sweep_batch)
    settled = 0
    for row in rows:
        try:
            settled += _settle(row)
        except DependencyUnavailable:
            logger.warning("card top-up sweep stopped: a dependency is unavailable")
            break
    return {"checked": len(rows), "settled": settled}
