"""Use cases of the utilities service: the provider directory and utility (ЖКХ) payments. No HTTP, no SQL.

A payment is a saga over the ledger, because it has a step outside the ledger's transaction (the payment
record in this service's database) and must never leave money moved without a record, or a record
claiming money that did not move:

1. record: the request is checked (provider, the payer's account number at the provider against the
   provider's format, amount limits, the paying account is the caller's own active RUB account) and the
   payment is stored `pending` under the customer's Idempotency-Key (unique per payer);
2. hold: the ledger reserves the amount on the customer's account (key `utility-hold-<payment id>`); a
   refusal (insufficient_funds, account_closed, …) fails the payment; success makes it `held`;
3. capture: the ledger posts the hold into the provider's settlement account (key
   `utility-capture-<payment id>`), one double-entry transaction; success completes the payment and
   writes `utility.paid` to the outbox in the same transaction; a refusal voids the hold and fails it.

Every ledger step has its own deterministic key, so repeating a step (a retry by the customer with the
same key, or the schedule's `finish_stuck_payments` for a payment a crash left pending/held) is a replay
in the ledger, never a second movement. A hold that is never captured is released by the ledger itself
when it expires. The final response is stored under the customer's key, so replays return it unchanged.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    CurrencyMismatch,
    DependencyUnavailable,
    IdempotencyKeyReused,
    IdempotencyRequestInFlight,
    NotFound,
    Unprocessable,
    problem,
)
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import UTILITY_PAID
from bank_shared.http import Answer
from bank_shared.idempotency import IdempotentResult, fingerprint, store_result, stored_result
from bank_shared.money import from_minor, money_json, to_minor
from bank_shared.observability import count, logger
from bank_shared.timestamps import utc_text_or_none
from utilities_service.clients import AccountsDirectory, LedgerHolds
from utilities_service.repository import Payment, PaymentRepository, Provider, ProviderRepository

SERVICE = "utilities"
CATEGORIES = ("electricity", "water", "heating", "gas", "internet")
UowFactory = Callable[[], UnitOfWork]


class ProviderNotFound(NotFound):
    code, title = "provider_not_found", "Provider not found"


class ProviderInactive(Unprocessable):
    code, title = "provider_inactive", "The provider does not accept payments now"


class PaymentNotFound(NotFound):
    code, title = "payment_not_found", "Payment not found"


class InvalidPayerAccount(Unprocessable):
    code, title = "invalid_payer_account", "The payer's account number does not match the provider's format"


class AmountOutOfRange(Unprocessable):
    code, title = "amount_out_of_range", "The amount is outside the provider's limits"





@dataclass(frozen=True)
class PayOrder:
    payer_id: UUID
    provider_id: UUID
    from_account_id: UUID
    payer_account: str
    amount: str
    currency: str

    def payload(self) -> dict[str, str]:
        return {"provider": str(self.provider_id), "from": str(self.from_account_id),
                "payer_account": self.payer_account, "amount": self.amount, "currency": self.currency}


# providers -----------------------------------------------------------------------------------------------------

def provider_view(row: Provider) -> dict[str, Any]:
    currency = row.currency
    return {
        "id": str(row.id),
        "code": row.code,
        "name": row.name,
        "category": row.category,
        "inn": row.inn,
        "settlement_account": row.settlement_account_number,
        "currency": currency,
        "payer_account": {"label": row.payer_account_label, "pattern": row.payer_account_pattern,
                          "hint": row.payer_account_hint},
        "min_amount": money_json(row.min_amount, currency),
        "max_amount": money_json(row.max_amount, currency),
        "active": row.active,
    }


def list_providers(uow: UnitOfWork, category: str | None, after_code: str | None,
                   limit: int, inactive: bool = False) -> tuple[list[dict[str, Any]], str | None]:
    """Active providers (and inactive ones too, for staff who ask) ordered by code; the second value is the last
    code when another page may follow."""
    rows = ProviderRepository(uow.connection).page(category, after_code, limit + 1, inactive)
    more = len(rows) > limit
    rows = rows[:limit]
    return [provider_view(r) for r in rows], (rows[-1].code if more and rows else None)


def _active_provider(uow: UnitOfWork, provider_id: UUID) -> Provider:
    row = ProviderRepository(uow.connection).get(provider_id)
    if row is None or not row.active:
        raise ProviderNotFound(f"No provider {provider_id}")
    return row


def get_provider(uow: UnitOfWork, provider_id: UUID, staff: bool = False) -> dict[str, Any]:
    """Staff see inactive providers too; for anyone else an inactive provider does not exist."""
    if not staff:
        return provider_view(_active_provider(uow, provider_id))
    row = ProviderRepository(uow.connection).get(provider_id)
    if row is None:
        raise ProviderNotFound(f"No provider {provider_id}")
    return provider_view(row)


def _payable_provider(uow: UnitOfWork, provider_id: UUID) -> Provider:
    """The provider of a new payment: an inactive one refuses it with its own code (its history stays)."""
    row = ProviderRepository(uow.connection).get(provider_id)
    if row is None:
        raise ProviderNotFound(f"No provider {provider_id}")
    if not row.active:
        raise ProviderInactive(f"{row.name} does not accept payments now")
    return row


def check_payment(provider: Provider, payer_account: str, amount: str, currency: str) -> int:
    """The order against the provider's rules; the amount in minor units."""
    if currency != provider.currency:
        raise CurrencyMismatch(f"{provider.name} accepts {provider.currency} only")
    if re.fullmatch(provider.payer_account_pattern, payer_account) is None:
        raise InvalidPayerAccount(
            f"{provider.payer_account_label} for {provider.name}: {provider.payer_account_hint}",
            expected_pattern=provider.payer_account_pattern)
    minor = to_minor(amount, currency)
    if not provider.min_amount <= minor <= provider.max_amount:
        raise AmountOutOfRange(
            f"{provider.name} accepts from {from_minor(provider.min_amount, currency)} "
            f"to {from_minor(provider.max_amount, currency)} {currency} per payment")
    return minor


def _check_source(accounts: AccountsDirectory, order: PayOrder) -> None:
    account = accounts.account(order.from_account_id)
    if account is None or account.owner_id != order.payer_id:
        raise AccountNotFound(f"No account {order.from_account_id}")
    if account.status != "active":
        raise AccountClosed(f"Account {order.from_account_id} is closed")
    if account.currency != order.currency:
        raise CurrencyMismatch(f"The account is in {account.currency}, not {order.currency}")


# payments ------------------------------------------------------------------------------------------------------

def payment_view(row: Payment) -> dict[str, Any]:
    failure = row.result_body if row.status == "failed" and row.result_body else None
    return {
        "id": str(row.id),
        "provider": {"id": str(row.provider_id), "code": row.provider_code, "name": row.provider_name,
                     "category": row.provider_category},
        "payer_account": row.payer_account,
        "from_account_id": str(row.from_account_id),
        "amount": money_json(row.amount, row.currency),
        "status": row.status,
        "failure_code": failure.get("code") if failure else None,
        "hold_id": str(row.hold_id) if row.hold_id else None,
        "transaction_id": str(row.ledger_transaction_id) if row.ledger_transaction_id else None,
        "created_at": utc_text_or_none(row.created_at),
        "finished_at": utc_text_or_none(row.finished_at),
    }


def _event_data(row: Payment) -> dict[str, Any]:
    return {
        "payment_id": str(row.id), "provider_id": str(row.provider_id), "provider_code": row.provider_code,
        "provider_name": row.provider_name, "category": row.provider_category,
        "payer_id": str(row.payer_id), "from_account_id": str(row.from_account_id),
        "payer_account": row.payer_account, "amount": from_minor(row.amount, row.currency),
        "currency": row.currency, "amount_minor": row.amount,
        "transaction_id": str(row.ledger_transaction_id), "paid_at": utc_text_or_none(row.finished_at),
    }


def _scope(payer_id: UUID) -> str:
    return f"utility-pay:{payer_id}"


def _record(new_uow: UowFactory, order: PayOrder, key: str, request_hash: str,
            accounts: AccountsDirectory) -> Payment | IdempotentResult:
    """Step 1: the earlier outcome of this key, or its payment (new, or left unfinished by an earlier try)."""
    scope = _scope(order.payer_id)
    with new_uow() as uow:
        repository = PaymentRepository(uow.connection)
        stored = stored_result(uow.connection, scope, key, request_hash)
        if stored is not None:
            return stored
        existing = repository.by_key(scope, key)
        if existing is None:
            amount = check_payment(_payable_provider(uow, order.provider_id), order.payer_account, order.amount,
                                   order.currency)
    if existing is None:
        _check_source(accounts, order)
        with new_uow() as uow:
            repository = PaymentRepository(uow.connection)
            repository.insert(uuid.uuid4(), order.payer_id, order.provider_id, order.from_account_id,
                              order.payer_account, amount, order.currency, scope, key, request_hash)
            existing = repository.by_key(scope, key)
    assert existing is not None
    if existing.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return existing


def pay(new_uow: UowFactory, order: PayOrder, key: str, accounts: AccountsDirectory, ledger: LedgerHolds,
        hold_ttl_seconds: int) -> IdempotentResult:
    """Record → hold → capture (see the module docstring). `new_uow()` opens each short transaction."""
    request_hash = fingerprint(_scope(order.payer_id), order.payload())
    recorded = _record(new_uow, order, key, request_hash, accounts)
    if isinstance(recorded, IdempotentResult):
        return recorded
    return advance(new_uow, recorded, ledger, hold_ttl_seconds)


def _unresolved(answer: Answer) -> None:
    """Ledger answers that do not settle the step: leave the payment as it is for a retry."""
    code = str(answer.body.get("code"))
    if code == IdempotencyRequestInFlight.code:
        raise IdempotencyRequestInFlight(headers={"Retry-After": "1"})
    if answer.status == 429 or code == IdempotencyKeyReused.code:
        raise DependencyUnavailable(f"the ledger could not settle the payment step ({code})", dependency="ledger")


def _description(payment: Payment) -> str:
    return f"ЖКХ: {payment.provider_name}, {payment.payer_account}"[:200]


def advance(new_uow: UowFactory, payment: Payment, ledger: LedgerHolds, hold_ttl_seconds: int) -> IdempotentResult:
    """Steps 2 and 3 from wherever the payment stands; every ledger call replays under its own key."""
    payment_id = payment.id
    if payment.status in ("completed", "failed"):
        return payment.replay()
    hold_id = payment.hold_id
    if payment.status == "pending":
        held = ledger.hold(f"utility-hold-{payment_id}", {
            "account_id": str(payment.from_account_id), "amount": from_minor(payment.amount, payment.currency),
            "currency": payment.currency, "ttl_seconds": hold_ttl_seconds, "description": _description(payment)})
        if not held.ok:
            _unresolved(held)
            return _finish(new_uow, payment_id, held)
        hold_id = UUID(str(held.body["id"]))
        with new_uow() as uow:
            repository = PaymentRepository(uow.connection)
            current = repository.get(payment_id, lock=True)
            if current is not None and current.status == "pending":
                repository.mark_held(payment_id, hold_id)
    assert hold_id is not None, "a held payment has its hold (migration 0001's CHECK)"
    ledger.ensure_settlement_account(payment.provider_ledger_account_id, payment.provider_id,
                                     payment.currency)
    captured = ledger.capture(f"utility-capture-{payment_id}", hold_id, {
        "to_account_id": str(payment.provider_ledger_account_id), "description": _description(payment),
        "counterparty": {"kind": "provider", "name": payment.provider_name[:120]}})
    if not captured.ok:
        _unresolved(captured)
        try:
            voided = ledger.void(f"utility-void-{payment_id}", hold_id)
            if not voided.ok:
                logger.info("utility payment: hold not voided", extra={"payment_id": str(payment_id),
                                                                       "code": voided.body.get("code")})
        except DependencyUnavailable:
            logger.warning("utility payment: void failed; the hold expires by itself",
                           extra={"payment_id": str(payment_id)})
    return _finish(new_uow, payment_id, captured)


def _finish(new_uow: UowFactory, payment_id: UUID, answer: Answer) -> IdempotentResult:
    """Record the ledger's final answer once and store it as the response to the customer's key."""
    with new_uow() as uow:
        repository = PaymentRepository(uow.connection)
        payment = repository.get(payment_id, lock=True)
        assert payment is not None
        if payment.status in ("completed", "failed"):
            return payment.replay()
        if answer.ok:
            transaction_id = UUID(str(answer.body["transaction_id"]))
            repository.finish(payment_id, "completed", transaction_id, 201, {})
            row = repository.get(payment_id)
            assert row is not None
            status, body = 201, payment_view(row)
            repository.finish(payment_id, "completed", transaction_id, status, body)
            record_event(uow, new_event(UTILITY_PAID, SERVICE, str(row.from_account_id), _event_data(row)))
        else:
            code = str(answer.body.get("code") or "payment_refused")
            title = str(answer.body.get("title") or "The payment was refused")
            status = answer.status
            body = problem(status, code, title, str(answer.body.get("detail") or title), payment_id=str(payment_id))
            repository.finish(payment_id, "failed", None, status, body)
        result = IdempotentResult(status, body, replayed=False)
        store_result(uow.connection, payment.idempotency_scope, payment.idempotency_key, payment.request_hash, result)
    count("UtilityPayments", outcome="completed" if status == 201 else str(body.get("code", "failed")))
    return result


def list_payments(uow: UnitOfWork, payer_id: UUID, before: tuple[datetime, UUID] | None,
                  limit: int) -> tuple[list[dict[str, Any]], tuple[datetime, UUID] | None]:
    rows = PaymentRepository(uow.connection).list_for_payer(payer_id, before, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return [payment_view(r) for r in rows], ((rows[-1].created_at, rows[-1].id) if more and rows else None)


def get_payment(uow: UnitOfWork, payer_id: UUID, payment_id: UUID) -> dict[str, Any]:
    """Owner only; anyone else's payment is reported as not found (no existence leak)."""
    row = PaymentRepository(uow.connection).get(payment_id)
    if row is None or row.payer_id != payer_id:
        raise PaymentNotFound(f"No payment {payment_id}")
    return payment_view(row)


def finish_stuck_payments(new_uow: UowFactory, ledger: LedgerHolds, older_than_seconds: int, limit: int,
                          hold_ttl_seconds: int) -> dict[str, int]:
    """The schedule: payments a crash left pending/held are advanced as a retry by the customer would."""
    with new_uow() as uow:
        stuck = PaymentRepository(uow.connection).unfinished(older_than_seconds, limit)
    counts = {"found": len(stuck), "completed": 0, "failed": 0, "unresolved": 0}
    for payment in stuck:
        try:
            result = advance(new_uow, payment, ledger, hold_ttl_seconds)
        except (DependencyUnavailable, IdempotencyRequestInFlight) as error:
            logger.warning("stuck utility payment unresolved", extra={"payment_id": str(payment.id),
                                                                      "error": str(error)})
            counts["unresolved"] += 1
            continue
        counts["completed" if result.status == 201 else "failed"] += 1
    return counts
