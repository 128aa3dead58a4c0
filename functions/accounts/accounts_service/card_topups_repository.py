"""SQL of card top-ups (psycopg 3, explicit and parametrised). Every status change names the status it leaves,
so two deliveries of one outcome (a webhook twice, a webhook and the sweep) change a row once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from accounts_service.repository import move_status
from bank_shared.db import Repository
from bank_shared.rows import row_or_none, rows_as

COLUMNS = ("id, owner_id, account_id, amount, currency, status, payment_id, confirmation_url, card_mask, "
           "failure_reason, transaction_id, created_at, updated_at, refund_id")

SETTABLE = ("payment_id", "confirmation_url", "card_mask", "failure_reason", "transaction_id", "refund_id")


@dataclass(frozen=True)
class Topup:
    """A row of card_topups (the columns of COLUMNS; the amount in minor units)."""

    id: UUID
    owner_id: UUID
    account_id: UUID
    amount: int
    currency: str
    status: str
    payment_id: str | None
    confirmation_url: str | None
    card_mask: str | None
    failure_reason: str | None
    transaction_id: UUID | None
    created_at: datetime
    updated_at: datetime
    refund_id: str | None


class CardTopupsRepository(Repository):
    def insert(self, topup_id: UUID, owner_id: UUID, account_id: UUID, key: str, amount: int,
               currency: str) -> Topup | None:
        """The new row, or None when the owner already used this Idempotency-Key."""
        return row_or_none(Topup, self.connection.execute(
            "INSERT INTO card_topups (id, owner_id, account_id, idempotency_key, amount, currency) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (owner_id, idempotency_key) DO NOTHING "
            f"RETURNING {COLUMNS}",
            (topup_id, owner_id, account_id, key, amount, currency)).fetchone())

    def by_key(self, owner_id: UUID, key: str) -> Topup | None:
        return row_or_none(Topup, self.connection.execute(
            f"SELECT {COLUMNS} FROM card_topups WHERE owner_id = %s AND idempotency_key = %s",
            (owner_id, key)).fetchone())

    def get(self, topup_id: UUID, *, lock: bool = False) -> Topup | None:
        suffix = " FOR UPDATE" if lock else ""
        return row_or_none(Topup, self.connection.execute(f"SELECT {COLUMNS} FROM card_topups WHERE id = %s{suffix}",
                                                          (topup_id,)).fetchone())

    def by_payment(self, payment_id: str) -> Topup | None:
        return row_or_none(Topup, self.connection.execute(f"SELECT {COLUMNS} FROM card_topups WHERE payment_id = %s",
                                                          (payment_id,)).fetchone())

    def transition(self, topup_id: UUID, from_status: str, to_status: str, **fields: Any) -> Topup | None:
        """Move the row from `from_status` to `to_status` setting `fields`; None when it is not in `from_status`."""
        return row_or_none(Topup, move_status(self.connection, "card_topups", COLUMNS, SETTABLE, topup_id, from_status,
                                              to_status, fields))

    def stale(self, older_than: datetime, limit: int) -> list[Topup]:
        """Top-ups still creating, pending or refunding, created before `older_than`, oldest first."""
        return rows_as(Topup, self.connection.execute(
            f"SELECT {COLUMNS} FROM card_topups WHERE status IN ('creating', 'pending', 'refunding') "
            "AND created_at < %s "
            "ORDER BY created_at LIMIT %s", (older_than, limit)).fetchall())
