"""What every money-moving use case of the ledger shares: its refusals, the Idempotency-Key wrapper, the
active-account and available-balance checks, the balance ceilings, and one balanced posting (`post`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    Conflict,
    InsufficientFunds,
    NotFound,
    Unprocessable,
    problem,
)
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import PAYMENT_EXECUTED, PAYMENT_FAILED
from bank_shared.idempotency import IdempotentResult, fingerprint, run_idempotent
from bank_shared.money import from_minor, money_json
from bank_shared.timestamps import utc_text
from ledger_service.repository import LedgerAccount, LedgerRepository

if TYPE_CHECKING:
    import psycopg.errors


SERVICE = "ledger"
TOPUP_SOURCES = ("cash", "settlement")




class AccountConflict(Conflict):
    code, title = "account_conflict", "The account exists with different attributes"






class HoldNotFound(NotFound):
    code, title = "hold_not_found", "Hold not found"


class HoldNotPending(Conflict):
    code, title = "hold_not_pending", "The hold is no longer pending"


class HoldExpired(Unprocessable):
    code, title = "hold_expired", "The hold has expired"


class CaptureExceedsHold(Unprocessable):
    code, title = "capture_exceeds_hold", "The capture amount exceeds the hold"


class BalanceLimitExceeded(Unprocessable):
    code, title = "balance_limit_exceeded", "The balance would pass the account's ceiling"



class Refused(Exception):
    """A business refusal after acceptance: stored as the key's response, announced as payment.failed."""

    def __init__(self, error: Unprocessable, subject: str, data: dict[str, Any]) -> None:
        super().__init__(error.detail)
        self.error, self.subject, self.data = error, subject, data


# accounts -----------------------------------------------------------------------------------------------------



def idempotent(uow: UnitOfWork, scope: str, key: str, payload: dict[str, Any],
                operation: Callable[[], tuple[int, dict[str, Any]]]) -> IdempotentResult:
    def guarded() -> tuple[int, dict[str, Any]]:
        try:
            return operation()
        except Refused as refusal:
            error = refusal.error
            record_event(uow, new_event(PAYMENT_FAILED, SERVICE, refusal.subject,
                                        {**refusal.data, "reason": error.code, "detail": error.detail}))
            return error.status, problem(error.status, error.code, error.title, error.detail)

    return run_idempotent(uow.connection, scope, key, fingerprint(scope, payload), guarded)


def require_active(account: LedgerAccount | None, account_id: UUID) -> LedgerAccount:
    if account is None or account.kind != "customer":
        raise AccountNotFound(f"No account {account_id}")
    if account.status != "active":
        raise AccountClosed(f"Account {account_id} is closed")
    return account


def available_minor(account: LedgerAccount) -> int:
    return int(account.balance - account.held + account.overdraft_limit)


BALANCE_CEILINGS = frozenset({"balance_within_maximum", "balance_within_floor"})  # migration 0006


def balance_refusal(error: psycopg.errors.CheckViolation) -> Unprocessable:
    """What a violated balance constraint means to the caller: past the ceiling, or below the limit."""
    if error.diag.constraint_name in BALANCE_CEILINGS:
        return BalanceLimitExceeded("The balance would pass the account's ceiling")
    return InsufficientFunds("The balance would go below its limit")


@dataclass(frozen=True)
class Posting:
    """A two-legged posting: `amount` leaves `debit` and arrives in `credit`."""

    kind: str
    debit: UUID
    credit: UUID
    amount: int
    currency: str
    description: str = ""
    reverses: UUID | None = None
    approved_by: str | None = None
    counterparties: dict[str, Any] | None = None  # per account id: who the other side is (sides())


def sides(*pairs: tuple[UUID, dict[str, Any] | None]) -> dict[str, Any] | None:
    """The transaction's counterparties (docs/money.md#counterparty): for each account, the other side as its
    holder sees it ({"kind": "person", "name": "Иван И."}); None when no side names one."""
    named = {str(account): party for account, party in pairs if party is not None}
    return named or None


def post(uow: UnitOfWork, initiated_by: str, posting: Posting) -> dict[str, Any]:
    import psycopg.errors  # loaded with the driver by now; a module-level import would load it at cold start

    transaction_id = uuid.uuid4()
    repository = LedgerRepository(uow.connection)
    debit, credit, amount, currency = posting.debit, posting.credit, posting.amount, posting.currency
    try:
        with uow.connection.transaction():  # savepoint: a CHECK violation becomes a clean refusal
            created_at = repository.post(transaction_id, posting.kind, posting.description, initiated_by,
                                         [(debit, currency, -amount), (credit, currency, amount)],
                                         posting.reverses, posting.approved_by, posting.counterparties)
    except psycopg.errors.CheckViolation as error:
        raise Refused(balance_refusal(error), str(debit),
                      {"from_account_id": str(debit), "to_account_id": str(credit),
                       "amount": from_minor(amount, currency), "currency": currency}) from error
    body = {
        "transaction_id": str(transaction_id),
        "type": posting.kind,
        "status": "executed",
        "from_account_id": str(debit),
        "to_account_id": str(credit),
        "amount": money_json(amount, currency),
        "description": posting.description,
        "created_at": utc_text(created_at),
        **({"reverses": str(posting.reverses)} if posting.reverses else {}),
    }
    event_data = {**{k: v for k, v in body.items() if k not in ("amount", "status")},
                  "amount": from_minor(amount, currency), "currency": currency, "amount_minor": amount,
                  "initiated_by": initiated_by}
    record_event(uow, new_event(PAYMENT_EXECUTED, SERVICE, str(debit), event_data))
    return body
