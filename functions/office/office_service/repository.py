"""The audit log: SQL through psycopg 3 (explicit, parametrised), behind a small interface (a fake in unit
tests). An entry is opened before the action and completed once with its outcome (see migration 0001)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from bank_shared.db import Repository, UnitOfWork, jsonb
from bank_shared.errors import DependencyUnavailable
from bank_shared.rows import rows_as
from bank_shared.sql_filters import Filter
from bank_shared.swappable import Swappable

_COLUMNS = ("id, occurred_at, actor_id, actor_roles, action, target_type, target_id, request_id, "
            "idempotency_key, details, outcome, status, code, replayed, completed_at")


@dataclass(frozen=True)
class NewEntry:
    actor_id: str
    actor_roles: list[str]
    action: str
    target_type: str
    target_id: str | None
    request_id: str | None
    idempotency_key: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    outcome: str  # succeeded | refused | failed
    status: int
    code: str | None = None
    target_id: str | None = None
    replayed: bool = False


@dataclass(frozen=True, kw_only=True)
class AuditEntry(NewEntry):
    """A row of audit_log (migration 0001): the entry as it was opened, with its id, time and outcome."""

    id: UUID
    occurred_at: datetime
    outcome: str
    status: int | None
    code: str | None
    replayed: bool
    completed_at: datetime | None


@dataclass(frozen=True)
class AuditFilter:
    """Which entries a page or an export holds: all of the given conditions (none given: every entry)."""

    actor_id: str | None = None
    target_id: str | None = None
    action: str | None = None  # the action, or a family of actions: `customer` is `customer.*` too
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


class AuditLog(Protocol):
    def start(self, entry: NewEntry) -> UUID: ...

    def finish(self, entry_id: UUID, outcome: Outcome) -> None: ...

    def page(self, after: tuple[datetime, UUID] | None, limit: int,
             where: AuditFilter = AuditFilter()) -> list[AuditEntry]: ...


@contextmanager
def office_database(unavailable: str, unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> Iterator[UnitOfWork]:
    """Office's own database (the audit log, the approvals queue); when it is down no action may run unrecorded
    and no money request be queued, so that is an outage: `DependencyUnavailable(unavailable)`, office-db."""
    import psycopg  # loaded with the driver, not at cold start

    try:
        with unit_of_work() as uow:
            yield uow
    except psycopg.OperationalError as error:
        raise DependencyUnavailable(unavailable, dependency="office-db") from error


class AuditRepository(Repository):
    def insert(self, entry_id: UUID, entry: NewEntry) -> None:
        self.connection.execute(
            "INSERT INTO audit_log (id, actor_id, actor_roles, action, target_type, target_id, request_id, "
            "idempotency_key, details) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (entry_id, entry.actor_id, entry.actor_roles, entry.action, entry.target_type, entry.target_id,
             entry.request_id, entry.idempotency_key, jsonb(entry.details)),
        )

    def complete(self, entry_id: UUID, outcome: Outcome) -> None:
        self.connection.execute(
            "UPDATE audit_log SET outcome = %s, status = %s, code = %s, replayed = %s, "
            "target_id = coalesce(target_id, %s), completed_at = clock_timestamp() "
            "WHERE id = %s AND outcome = 'pending'",
            (outcome.outcome, outcome.status, outcome.code, outcome.replayed, outcome.target_id, entry_id),
        )

    def newest_first(self, after: tuple[datetime, UUID] | None, limit: int, where: AuditFilter) -> list[AuditEntry]:
        query = _conditions(where).after(("occurred_at", "id"), after)
        return rows_as(AuditEntry, self.connection.execute(
            *query.page(f"SELECT {_COLUMNS} FROM audit_log", ("occurred_at", "id"), limit)
        ).fetchall())


def _conditions(where: AuditFilter) -> Filter:
    query = Filter().equals("actor_id", where.actor_id or None).equals("target_id", where.target_id or None)
    if where.action:
        query.where("(action = %s OR left(action, %s) = %s)",
                    where.action, len(where.action) + 1, where.action + ".")
    return query.since("occurred_at", where.since).until("occurred_at", where.until)


_AUDIT_UNAVAILABLE = "the audit log is unavailable"


class DatabaseAuditLog:
    def start(self, entry: NewEntry) -> UUID:
        entry_id = uuid.uuid4()
        with office_database(_AUDIT_UNAVAILABLE) as uow:
            AuditRepository(uow.connection).insert(entry_id, entry)
        return entry_id

    def finish(self, entry_id: UUID, outcome: Outcome) -> None:
        with office_database(_AUDIT_UNAVAILABLE) as uow:
            AuditRepository(uow.connection).complete(entry_id, outcome)

    def page(self, after: tuple[datetime, UUID] | None, limit: int,
             where: AuditFilter = AuditFilter()) -> list[AuditEntry]:
        with office_database(_AUDIT_UNAVAILABLE) as uow:
            return AuditRepository(uow.connection).newest_first(after, limit, where)


_audit = Swappable[AuditLog](DatabaseAuditLog)
get_audit_log, set_audit_log = _audit.get, _audit.set
