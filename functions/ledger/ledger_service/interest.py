"""Interest postings for savings (accounts computes the amounts; docs/products.md) and the daily closing
balances they are computed on.

- accrue: the bank's `interest_expense:<cur>` → `accrued_interest:<cur>` (a liability: owed, not yet paid);
- capitalize: `accrued_interest:<cur>` → the customer's account.

Both run once per Idempotency-Key (accounts derives it from the account and the day or month), through the
shared `idempotent` + `post` helpers, so a retried sweep replays instead of posting twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from bank_shared.errors import CurrencyMismatch
from bank_shared.idempotency import IdempotentResult
from ledger_service.interest_repository import InterestRepository
from ledger_service.postings import Posting, idempotent, post, require_active, sides
from ledger_service.repository import LedgerRepository

InterestKind = Literal["accrue", "capitalize"]


def post_interest(uow: UnitOfWork, principal: Principal, key: str, kind: InterestKind, account_id: UUID,
                  amount: int, currency: str, description: str) -> IdempotentResult:
    payload = {"kind": kind, "account": str(account_id), "amount": amount, "currency": currency,
               "description": description}

    def operation() -> tuple[int, dict[str, Any]]:
        repository = LedgerRepository(uow.connection)
        expense = repository.system_account_id("interest_expense", currency)
        accrued = repository.system_account_id("accrued_interest", currency)
        if expense is None or accrued is None:
            raise CurrencyMismatch(f"No interest accounts in {currency}")
        locked = repository.lock_accounts([account_id, expense, accrued])
        target = require_active(locked.get(account_id), account_id)
        if target.currency != currency:
            raise CurrencyMismatch(f"The account is in {target.currency}, not {currency}")
        debit, credit = (expense, accrued) if kind == "accrue" else (accrued, account_id)
        return 201, post(uow, principal.actor, Posting("interest", debit, credit, amount, currency, description,
                                                       counterparties=sides((account_id, {"kind": "bank"}))))

    return idempotent(uow, f"interest:{principal.actor}", key, payload, operation)


def daily_closing_balances(uow: UnitOfWork, account_id: UUID, first: date, last: date) -> list[dict[str, Any]]:
    """The balance at the end of each UTC day from `first` to `last` (postings up to midnight), in minor units."""
    repository = InterestRepository(uow.connection)
    balance = repository.balance_before(account_id, first)
    moves = repository.daily_moves(account_id, first, last)
    days: list[dict[str, Any]] = []
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        balance += moves.get(day, 0)
        days.append({"day": day.isoformat(), "balance_minor": balance})
    return days
