"""SQL of the maker-checker queue (migration 0002): explicit and parametrised, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import Repository, UnitOfWork, jsonb
from bank_shared.idempotency import RecordedAnswer
from bank_shared.rows import row_as, row_or_none, rows_as
from bank_shared.sql_filters import Filter
from office_service.repository import office_database

# Requests that still count toward the maker's daily limit (the money moved or may still move).
COUNTED_STATUSES = ("pending", "approved", "executed")


@dataclass(frozen=True)
class NewMoneyRequest:
    id: UUID
    kind: str
    maker_id: str
    maker_key: str
    request_hash: str
    amount_minor: int
    currency: str
    needs_approval: bool
    ttl_seconds: int
    account_id: UUID | None = None
    transaction_id: UUID | None = None
    description: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ledger_key(self) -> str:
        """The Idempotency-Key of every ledger call executing this request: its own, unique to it."""
        return f"office-request:{self.id}"


@dataclass(frozen=True)
class MoneyRequest(RecordedAnswer):
    """A row of money_requests (migration 0002)."""

    id: UUID
    kind: str
    maker_id: str
    maker_key: str
    request_hash: str
    account_id: UUID | None
    transaction_id: UUID | None
    amount_minor: int
    currency: str
    description: str
    details: dict[str, Any]
    needs_approval: bool
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    ledger_key: str
    result_status: int | None
    result_body: dict[str, Any] | None
    created_at: datetime
    expires_at: datetime
    executed_at: datetime | None


def database(unit_of_work: Callable[[], UnitOfWork]) -> AbstractContextManager[UnitOfWork]:
    """Office's own database; when it is down no money request can be recorded, so that is an outage."""
    return office_database("the approvals queue is unavailable", unit_of_work)


class MoneyRequestRepository(Repository):
    def lock_maker(self, maker_id: str) -> None:
        """Serialises one employee's new requests, so two at once cannot both fit the daily limit."""
        self.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ("maker|" + maker_id,))

    def by_maker_key(self, maker_id: str, key: str) -> MoneyRequest | None:
        return row_or_none(MoneyRequest, self.connection.execute(
            "SELECT * FROM money_requests WHERE maker_id = %s AND maker_key = %s", (maker_id, key)
        ).fetchone())

    def topped_up_today(self, maker_id: str, currency: str) -> int:
        """What the maker topped up (or asked to) in this currency in the last 24 hours, in minor units."""
        row = self.connection.execute(
            "SELECT coalesce(sum(amount_minor), 0) AS total FROM money_requests WHERE maker_id = %s "
            "AND currency = %s AND kind = 'topup' AND status = ANY(%s) AND created_at > now() - interval '24 hours'",
            (maker_id, currency, list(COUNTED_STATUSES)),
        ).fetchone()
        return int(row["total"]) if row else 0

    def insert(self, new: NewMoneyRequest) -> MoneyRequest:
        row = self.connection.execute(
            "INSERT INTO money_requests (id, kind, maker_id, maker_key, request_hash, account_id, transaction_id, "
            "amount_minor, currency, description, details, needs_approval, status, ledger_key, expires_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "clock_timestamp() + make_interval(secs => %s)) RETURNING *",
            (new.id, new.kind, new.maker_id, new.maker_key, new.request_hash, new.account_id, new.transaction_id,
             new.amount_minor, new.currency, new.description, jsonb(new.details), new.needs_approval,
             "pending" if new.needs_approval else "approved", new.ledger_key, new.ttl_seconds),
        ).fetchone()
        assert row is not None
        return row_as(MoneyRequest, row)

    def get(self, request_id: UUID, *, for_update: bool = False) -> MoneyRequest | None:
        lock = " FOR UPDATE" if for_update else ""
        return row_or_none(MoneyRequest, self.connection.execute(f"SELECT * FROM money_requests WHERE id = %s{lock}",
                                                             (request_id,)).fetchone())

    def open_reversal(self, transaction_id: UUID) -> MoneyRequest | None:
        return row_or_none(MoneyRequest, self.connection.execute(
            "SELECT * FROM money_requests WHERE kind = 'reversal' AND transaction_id = %s "
            "AND status IN ('pending', 'approved', 'executed')", (transaction_id,)
        ).fetchone())

    def decide(self, request_id: UUID, status: str, decided_by: str | None, reason: str | None) -> MoneyRequest:
        row = self.connection.execute(
            "UPDATE money_requests SET status = %s, decided_by = %s, decided_at = clock_timestamp(), "
            "decision_reason = %s WHERE id = %s AND status = 'pending' RETURNING *",
            (status, decided_by, reason, request_id),
        ).fetchone()
        assert row is not None, "decide() needs the pending request locked"
        return row_as(MoneyRequest, row)

    def finish(self, request_id: UUID, status: str, result_status: int,
               result_body: dict[str, Any]) -> MoneyRequest | None:
        """Record the ledger's answer once; None when another execution recorded it first."""
        return row_or_none(MoneyRequest, self.connection.execute(
            "UPDATE money_requests SET status = %s, result_status = %s, result_body = %s, "
            "executed_at = clock_timestamp() WHERE id = %s AND status = 'approved' RETURNING *",
            (status, result_status, jsonb(result_body), request_id),
        ).fetchone())

    def expire_due(self, limit: int) -> list[MoneyRequest]:
        return rows_as(MoneyRequest, self.connection.execute(
            "UPDATE money_requests SET status = 'expired', decided_at = clock_timestamp() WHERE id IN ("
            "SELECT id FROM money_requests WHERE status = 'pending' AND expires_at <= clock_timestamp() "
            "ORDER BY expires_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING *",
            (limit,),
        ).fetchall())

    def unfinished(self, older_than_seconds: int, newer_than_seconds: int, limit: int) -> list[MoneyRequest]:
        """Approved requests whose execution did not finish (the ledger was unreachable, a crash), approved
        between `newer_than_seconds` and `older_than_seconds` ago."""
        return rows_as(MoneyRequest, self.connection.execute(
            "SELECT * FROM money_requests WHERE status = 'approved' "
            "AND coalesce(decided_at, created_at) < clock_timestamp() - make_interval(secs => %s) "
            "AND coalesce(decided_at, created_at) > clock_timestamp() - make_interval(secs => %s) "
            "ORDER BY created_at LIMIT %s",
            (older_than_seconds, newer_than_seconds, limit),
        ).fetchall())

    def newest_first(self, status: str | None, kind: str | None, after: tuple[datetime, UUID] | None,
                     limit: int) -> list[MoneyRequest]:
        where = (Filter().equals("status", status or None).equals("kind", kind or None)
                 .after(("created_at", "id"), after))
        return rows_as(MoneyRequest, self.connection.execute(
            *where.page("SELECT * FROM money_requests", ("created_at", "id"), limit)
        ).fetchall())
