"""Holds: reserve available balance for a multi-step operation, then capture it (in part or whole), void it, or
let it expire (the sweeper)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from bank_shared.errors import AccountNotFound, CurrencyMismatch, InsufficientFunds
from bank_shared.idempotency import IdempotentResult
from bank_shared.money import from_minor, money_json
from bank_shared.timestamps import utc_text
from ledger_service.repository import Hold, LedgerRepository
from ledger_service.settings import get_ledger_settings

if TYPE_CHECKING:
    pass
from ledger_service.postings import (
    CaptureExceedsHold,
    HoldExpired,
    HoldNotFound,
    HoldNotPending,
    Posting,
    Refused,
    available_minor,
    idempotent,
    post,
    require_active,
    sides,
)


def hold_view(hold: Hold) -> dict[str, Any]:
    return {
        "id": str(hold.id),
        "account_id": str(hold.account_id),
        "amount": money_json(hold.amount, hold.currency),
        "status": hold.status,
        "description": hold.description,
        "expires_at": utc_text(hold.expires_at),
        "transaction_id": str(hold.transaction_id) if hold.transaction_id else None,
    }


def create_hold(uow: UnitOfWork, principal: Principal, key: str, account_id: UUID, amount: int, currency: str,
                ttl_seconds: int | None = None, description: str = "") -> IdempotentResult:
    settings = get_ledger_settings()
    ttl = min(ttl_seconds or settings.hold_default_ttl_seconds, settings.hold_max_ttl_seconds)
    payload = {"account": str(account_id), "amount": amount, "currency": currency, "ttl": ttl,
               "description": description}

    def operation() -> tuple[int, dict[str, Any]]:
        repository = LedgerRepository(uow.connection)
        account = require_active(repository.lock_accounts([account_id]).get(account_id), account_id)
        if account.currency != currency:
            raise CurrencyMismatch(f"The account is in {account.currency}, not {currency}")
        if available_minor(account) < amount:
            raise Refused(InsufficientFunds("Available balance is below the hold amount"), str(account_id),
                          {"account_id": str(account_id), "amount": from_minor(amount, currency),
                           "currency": currency, "operation": "hold"})
        expires_at = datetime.now(UTC) + timedelta(seconds=ttl)
        repository.add_held(account_id, amount)
        hold = repository.insert_hold(uuid.uuid4(), account_id, amount, currency, description,
                                      principal.actor, expires_at)
        return 201, hold_view(hold)

    return idempotent(uow, f"hold:{principal.actor}", key, payload, operation)


def _locked_pending_hold(repository: LedgerRepository, hold_id: UUID) -> Hold:
    hold = repository.lock_hold(hold_id)
    if hold is None:
        raise HoldNotFound(f"No hold {hold_id}")
    if hold.status != "pending":
        raise HoldNotPending(f"The hold is {hold.status}")
    return hold


def _release(repository: LedgerRepository, hold: Hold, status: str) -> Hold:
    repository.lock_accounts([hold.account_id])
    repository.add_held(hold.account_id, -hold.amount)
    return repository.finish_hold(hold.id, status, None)


def capture_hold(uow: UnitOfWork, principal: Principal, key: str, hold_id: UUID, to_account_id: UUID,
                 amount: int | None = None, description: str = "",
                 counterparty: dict[str, Any] | None = None) -> IdempotentResult:
    """Post (part of) a pending hold to `to_account_id`; any remainder is released. The hold's account holder
    sees `counterparty` (the merchant, the ЖКХ provider) as the other side."""
    payload = {"hold": str(hold_id), "to": str(to_account_id), "amount": amount, "description": description}

    def operation() -> tuple[int, dict[str, Any]]:
        repository = LedgerRepository(uow.connection)
        hold = _locked_pending_hold(repository, hold_id)
        currency = hold.currency
        if hold.expires_at <= datetime.now(UTC):
            _release(repository, hold, "expired")
            raise Refused(HoldExpired(), str(hold.account_id),
                          {"hold_id": str(hold_id), "account_id": str(hold.account_id),
                           "amount": from_minor(hold.amount, currency), "currency": currency})
        captured = hold.amount if amount is None else amount
        if captured > hold.amount:
            raise CaptureExceedsHold(f"The hold is {from_minor(hold.amount, currency)} {currency}")
        locked = repository.lock_accounts([hold.account_id, to_account_id])
        target = locked.get(to_account_id)
        if target is None:
            raise AccountNotFound(f"No account {to_account_id}")
        if target.currency != currency:
            raise CurrencyMismatch(f"The destination is in {target.currency}, not {currency}")
        repository.add_held(hold.account_id, -hold.amount)
        body = post(uow, principal.actor,
                     Posting("hold_capture", hold.account_id, to_account_id, captured, currency, description,
                             counterparties=sides((hold.account_id, counterparty))))
        finished = repository.finish_hold(hold_id, "captured", UUID(body["transaction_id"]))
        return 201, {**body, "hold": hold_view(finished)}

    return idempotent(uow, f"capture:{principal.actor}", key, payload, operation)


def void_hold(uow: UnitOfWork, principal: Principal, key: str, hold_id: UUID) -> IdempotentResult:
    def operation() -> tuple[int, dict[str, Any]]:
        repository = LedgerRepository(uow.connection)
        return 200, hold_view(_release(repository, _locked_pending_hold(repository, hold_id), "voided"))

    return idempotent(uow, f"void:{principal.actor}", key, {"hold": str(hold_id)}, operation)


def get_hold(uow: UnitOfWork, hold_id: UUID) -> dict[str, Any]:
    hold = LedgerRepository(uow.connection).lock_hold(hold_id)
    if hold is None:
        raise HoldNotFound(f"No hold {hold_id}")
    return hold_view(hold)


def expire_holds(connection_uow: Callable[[], UnitOfWork], limit: int | None = None) -> int:
    """The scheduled sweep: each expired pending hold is released in its own short transaction."""
    batch = limit or get_ledger_settings().hold_expiry_batch
    with connection_uow() as uow:
        candidates = LedgerRepository(uow.connection).expired_hold_ids(batch)
    expired = 0
    for hold_id in candidates:
        with connection_uow() as uow:
            repository = LedgerRepository(uow.connection)
            hold = repository.lock_hold(hold_id)
            if hold is not None and hold.status == "pending" and hold.expires_at <= datetime.now(UTC):
                _release(repository, hold, "expired")
                expired += 1
    return expired


# transactions -------------------------------------------------------------------------------------------------
