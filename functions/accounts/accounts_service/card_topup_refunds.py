"""Refunds of card top-ups the ledger refused (docs/payments.md "Money in"):

    pending --(payment succeeded, the ledger refused the credit for good)--> refunding --(refund succeeded)--> refunded

A refusal is definite when the ledger would answer the same request the same way (a 4xx such as
`account_closed` or a balance ceiling); a 429 or a copy of the request still in flight (409
`idempotency_request_in_flight`) is transient and the outcome is left for the acquirer's retry or the sweep.
The refund is asked of the acquirer with no transaction open, under the Idempotence-Key ``card-topup-refund-<id>``
(derived from the top-up), so the webhook delivered again, a racing copy and the reconciliation sweep all ask
for the same one refund. Its answer or its ``refund.succeeded`` webhook moves refunding -> refunded once, and
that transaction writes ``card_topup.refunded`` (the card's last four digits only) to the outbox for the
customer's inbox.
"""

from __future__ import annotations

from typing import Any

from accounts_service.card_topups_clients import get_acquirer
from accounts_service.card_topups_repository import CardTopupsRepository, Topup
from bank_shared.db import UnitOfWork
from bank_shared.errors import IdempotencyRequestInFlight
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import CARD_TOPUP_REFUNDED
from bank_shared.http import Answer
from bank_shared.money import from_minor
from bank_shared.observability import logger

SERVICE = "accounts"
REFUSAL_PREFIX = "credit_refused:"


def refund_key(row: Topup) -> str:
    return f"card-topup-refund-{row.id}"


def is_definite_refusal(answer: Answer) -> bool:
    """The ledger's 4xx that it would answer again to the same request (not "try later", not "in flight")."""
    if not 400 <= answer.status < 500 or answer.status == 429:
        return False
    return answer.body.get("code") != IdempotencyRequestInFlight.code


def refusal_reason(answer: Answer) -> str:
    return f"{REFUSAL_PREFIX}{answer.body.get('code', 'refused')}"[:100]


def refund(row: Topup) -> Topup:
    """A refunding top-up's payment refunded in full at the acquirer (no transaction open), then finished."""
    if row.status != "refunding":
        return row
    answer = get_acquirer().refund(refund_key(row), {
        "payment_id": row.payment_id,
        "amount": {"value": from_minor(row.amount, row.currency), "currency": row.currency},
        "description": f"Возврат пополнения / Top-up refund {str(row.id)[:8]}"})
    return finish(answer) or row


def finish(answer: dict[str, Any]) -> Topup | None:
    """The acquirer's word on a refund (its answer, or a ``refund.succeeded`` webhook): refunding -> refunded
    once, with the customer's event in the same transaction. None when no top-up has the refund's payment."""
    with UnitOfWork() as uow:
        repository = CardTopupsRepository(uow.connection)
        row = repository.by_payment(str(answer.get("payment_id", "")))
        if row is None or answer.get("status") != "succeeded":
            return row
        moved = repository.transition(row.id, "refunding", "refunded", refund_id=str(answer.get("id", "")))
        if moved is None:
            return row
        mask = moved.card_mask
        record_event(uow, new_event(CARD_TOPUP_REFUNDED, SERVICE, str(moved.account_id), {
            "topup_id": str(moved.id), "account_id": str(moved.account_id),
            "owner_id": str(moved.owner_id), "amount": from_minor(moved.amount, moved.currency),
            "currency": moved.currency, "card_last4": mask[-4:] if mask else None,
            "reason": str(moved.failure_reason or "").removeprefix(REFUSAL_PREFIX),
            "refund_id": str(answer.get("id", ""))}))
    logger.info("card top-up refunded to the card", extra={"topup_id": str(moved.id)})
    return moved
