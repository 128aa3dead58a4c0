"""Helpers for the ledger's integration tests: principals, fresh accounts and invariant checks."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.db import Connection, UnitOfWork
from ledger_service import service

ADMIN = Principal("00000000-0000-0000-0000-00000000a0a0", frozenset({"admin"}), frozenset(), {})
SERVICE = Principal("accounts", frozenset({"service"}), frozenset(), {})


def customer(owner_id: UUID) -> Principal:
    return Principal(str(owner_id), frozenset({"customer"}), frozenset(), {})


def open_account(connection: Connection, owner_id: UUID | None = None, currency: str = "RUB",
                 funded: int = 0, overdraft_limit: int = 0) -> UUID:
    account_id = uuid.uuid4()
    with UnitOfWork(connection) as uow:
        service.register_account(uow, account_id, owner_id or uuid.uuid4(), currency, overdraft_limit)
    if funded:
        with UnitOfWork(connection) as uow:
            result = service.topup(uow, ADMIN, f"fund-{account_id}", account_id, funded, currency,
                                   kind="issuance", description="test funding")
        assert result.status == 201, result.body
    return account_id


def balances(connection: Connection, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    rows = connection.execute(
        "SELECT id, balance, held, overdraft_limit FROM ledger_accounts WHERE id = ANY(%s)", (account_ids,)
    ).fetchall()
    connection.commit()
    return {row["id"]: row for row in rows}


def assert_ledger_consistent(connection: Connection) -> None:
    """Whole-ledger invariants at one snapshot: zero sum per currency, postings = stored balance, limits."""
    with connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        unbalanced = connection.execute(
            "SELECT currency, sum(balance) AS total FROM ledger_accounts GROUP BY currency HAVING sum(balance) <> 0"
        ).fetchall()
        assert unbalanced == [], f"per-currency totals are not zero: {unbalanced}"
        drift = connection.execute(
            "SELECT a.id, a.balance, coalesce(p.total, 0) AS postings FROM ledger_accounts a "
            "LEFT JOIN (SELECT account_id, sum(amount) AS total FROM postings GROUP BY account_id) p "
            "ON p.account_id = a.id WHERE a.balance <> coalesce(p.total, 0)"
        ).fetchall()
        assert drift == [], f"stored balances differ from their postings: {drift[:5]}"
        below = connection.execute(
            "SELECT id FROM ledger_accounts WHERE NOT allow_negative AND balance - held < -overdraft_limit"
        ).fetchall()
        assert below == []
        held = connection.execute(
            "SELECT a.id FROM ledger_accounts a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM holds "
            "WHERE status = 'pending' GROUP BY account_id) h ON h.account_id = a.id "
            "WHERE a.held <> coalesce(h.total, 0)"
        ).fetchall()
        assert held == [], f"held amounts differ from pending holds: {held[:5]}"
