"""A customer's postings, newest first: one account's history page, or the latest across their accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    Unprocessable,
)
from bank_shared.money import money_json
from bank_shared.timestamps import utc_text
from ledger_service import service
from ledger_service.repository import HistoryPosting, LedgerRepository

if TYPE_CHECKING:
    pass


def posting_view(row: HistoryPosting) -> dict[str, Any]:
    return {
        "transaction_id": str(row.transaction_id),
        "account_id": str(row.account_id),
        "type": row.kind,
        "direction": "credit" if row.amount > 0 else "debit",
        "amount": money_json(abs(row.amount), row.currency),
        "description": row.description,
        "created_at": utc_text(row.created_at),
        "counterparty": row.counterparty,
    }


def list_transactions(uow: UnitOfWork, principal: Principal, account_id: UUID | None, kind: str | None,
                      since: datetime | None, until: datetime | None, after: tuple[datetime, int] | None,
                      limit: int, query: str | None = None
                      ) -> tuple[list[dict[str, Any]], tuple[datetime, int] | None]:
    """The caller's postings, newest first. Staff must name an account; customers see only their own.
    `query` keeps those whose text or counterparty's name contains it (case-insensitive)."""
    repository = LedgerRepository(uow.connection)
    owner: UUID | None = None
    if not principal.is_staff:
        try:
            owner = UUID(principal.subject)
        except ValueError:
            return [], None
        if account_id is not None:
            service.get_balance(uow, principal, account_id)  # 404 for someone else's account
    elif account_id is None:
        raise Unprocessable("Staff must filter by account_id")
    rows = repository.list_postings(owner, account_id, kind, since, until, after, limit + 1, query)
    next_position = (rows[limit - 1].created_at, rows[limit - 1].posting_id) if len(rows) > limit else None
    return [posting_view(row) for row in rows[:limit]], next_position


def owner_transactions(uow: UnitOfWork, owner_id: UUID, limit: int) -> list[dict[str, Any]]:
    """A customer's most recent postings, newest first (for services assembling a customer's view)."""
    return owner_page(uow, owner_id, None, None, None, None, limit)[0]


def owner_page(uow: UnitOfWork, owner_id: UUID, account_id: UUID | None, since: datetime | None,
               until: datetime | None, after: tuple[datetime, int] | None,
               limit: int) -> tuple[list[dict[str, Any]], tuple[datetime, int] | None]:
    """One page of a customer's postings across their accounts (or one of them: another owner's account gives
    nothing), newest first, and the position of its last row when there is more (the back office's history)."""
    rows = LedgerRepository(uow.connection).list_postings(owner_id, account_id, None, since, until, after, limit + 1)
    next_position = (rows[limit - 1].created_at, rows[limit - 1].posting_id) if len(rows) > limit else None
    return [posting_view(row) for row in rows[:limit]], next_position


def account_postings(uow: UnitOfWork, account_id: UUID, since: datetime | None, until: datetime | None,
                     limit: int) -> list[dict[str, Any]]:
    """One account's postings in [since, until), oldest first (for statements), at most `limit`."""
    rows = LedgerRepository(uow.connection).list_postings(None, account_id, None, since, until, None, limit)
    return [posting_view(row) for row in reversed(rows)]
