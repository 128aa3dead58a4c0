"""SQL of the contracts service (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from bank_shared.db import Repository
from bank_shared.rows import row_as, row_or_none, rows_as
from bank_shared.sql_filters import Filter

TEMPLATE_COLUMNS = "t.id, t.code, t.name, t.self_service, t.created_at"
VERSION_COLUMNS = "template_id, version, title, body, effective_from, published_by, published_at"
CONTRACT_COLUMNS = ("id, number, customer_id, template_id, version, title, document_key, document_sha256, status, "
                    "created_by, created_at, signed_at, activated_at, terminated_at, termination_reason")
_TIMESTAMP_OF = {"signed": "signed_at", "active": "activated_at", "terminated": "terminated_at"}


@dataclass(frozen=True)
class Template:
    id: UUID
    code: str
    name: str
    self_service: bool
    created_at: datetime
    latest_version: int | None = None  # the list of templates only


@dataclass(frozen=True)
class TemplateVersion:
    template_id: UUID
    version: int
    title: str
    body: str
    effective_from: date
    published_by: str
    published_at: datetime


@dataclass(frozen=True)
class Contract:
    id: UUID
    number: str
    customer_id: UUID
    template_id: UUID
    version: int
    title: str
    document_key: str
    document_sha256: str
    status: str
    created_by: str
    created_at: datetime
    signed_at: datetime | None
    activated_at: datetime | None
    terminated_at: datetime | None
    termination_reason: str | None
    rendered_text: str | None = None  # read `with_text` only


@dataclass(frozen=True)
class StatusChange:
    from_status: str | None
    to_status: str
    changed_by: str
    changed_at: datetime
    reason: str | None


class ContractsRepository(Repository):
    # templates ------------------------------------------------------------------------------------------------

    def templates(self) -> list[Template]:
        """Every template with its newest version number (0 when none is published)."""
        return rows_as(Template, self.connection.execute(
            f"SELECT {TEMPLATE_COLUMNS}, coalesce(max(v.version), 0) AS latest_version "
            "FROM contract_templates t LEFT JOIN template_versions v ON v.template_id = t.id "
            "GROUP BY t.id ORDER BY t.code"
        ).fetchall())

    def template(self, template_id: UUID, *, lock: bool = False) -> Template | None:
        suffix = " FOR UPDATE" if lock else ""
        return row_or_none(Template, self.connection.execute(
            f"SELECT {TEMPLATE_COLUMNS} FROM contract_templates t WHERE t.id = %s{suffix}", (template_id,)
        ).fetchone())

    def template_by_code(self, code: str) -> Template | None:
        return row_or_none(Template, self.connection.execute(
            f"SELECT {TEMPLATE_COLUMNS} FROM contract_templates t WHERE t.code = %s", (code,)
        ).fetchone())

    def insert_template(self, template_id: UUID, code: str, name: str, self_service: bool,
                        created_by: str) -> Template | None:
        """The new template, or None when the code is taken."""
        return row_or_none(Template, self.connection.execute(
            "INSERT INTO contract_templates (id, code, name, self_service, created_by) VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT (code) DO NOTHING RETURNING {TEMPLATE_COLUMNS.replace('t.', '')}",
            (template_id, code, name, self_service, created_by),
        ).fetchone())

    def versions(self, template_id: UUID) -> list[TemplateVersion]:
        return rows_as(TemplateVersion, self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM template_versions WHERE template_id = %s ORDER BY version DESC",
            (template_id,),
        ).fetchall())

    def version(self, template_id: UUID, version: int) -> TemplateVersion | None:
        return row_or_none(TemplateVersion, self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM template_versions WHERE template_id = %s AND version = %s",
            (template_id, version),
        ).fetchone())

    def current_version(self, template_id: UUID, today: date) -> TemplateVersion | None:
        """The newest version already in effect on `today`."""
        return row_or_none(TemplateVersion, self.connection.execute(
            f"SELECT {VERSION_COLUMNS} FROM template_versions WHERE template_id = %s AND effective_from <= %s "
            "ORDER BY version DESC LIMIT 1", (template_id, today),
        ).fetchone())

    def insert_version(self, template_id: UUID, title: str, body: str, effective_from: date,
                       published_by: str) -> TemplateVersion:
        """The next version number; the caller holds the template's row lock, so numbers never collide."""
        row = self.connection.execute(
            f"INSERT INTO template_versions ({VERSION_COLUMNS.replace(', published_at', '')}) "
            "SELECT %s, coalesce(max(version), 0) + 1, %s, %s, %s, %s FROM template_versions WHERE template_id = %s "
            f"RETURNING {VERSION_COLUMNS}",
            (template_id, title, body, effective_from, published_by, template_id),
        ).fetchone()
        assert row is not None
        return row_as(TemplateVersion, row)

    # contracts ------------------------------------------------------------------------------------------------

    def next_number(self) -> int:
        row = self.connection.execute("SELECT nextval('contract_serial') AS serial").fetchone()
        assert row is not None
        return int(row["serial"])

    def insert_contract(self, values: dict[str, Any]) -> Contract:
        row = self.connection.execute(
            "INSERT INTO contracts (id, number, customer_id, template_id, version, title, rendered_text, "
            "document_key, document_sha256, created_by) VALUES (%(id)s, %(number)s, %(customer_id)s, "
            "%(template_id)s, %(version)s, %(title)s, %(rendered_text)s, %(document_key)s, %(document_sha256)s, "
            f"%(created_by)s) RETURNING {CONTRACT_COLUMNS}", values,
        ).fetchone()
        assert row is not None
        return row_as(Contract, row)

    def contract(self, contract_id: UUID, *, lock: bool = False, with_text: bool = False) -> Contract | None:
        columns = CONTRACT_COLUMNS + (", rendered_text" if with_text else "")
        suffix = " FOR UPDATE" if lock else ""
        return row_or_none(Contract, self.connection.execute(
            f"SELECT {columns} FROM contracts WHERE id = %s{suffix}", (contract_id,)
        ).fetchone())

    def contracts(self, customer_id: UUID | None, status: str | None, after: tuple[datetime, UUID] | None,
                  limit: int) -> list[Contract]:
        """Newest first, keyset-paginated on (created_at, id)."""
        where = (Filter().equals("customer_id", customer_id).equals("status", status)
                 .after(("created_at", "id"), after))
        return rows_as(Contract, self.connection.execute(
            *where.page(f"SELECT {CONTRACT_COLUMNS} FROM contracts", ("created_at", "id"), limit)
        ).fetchall())

    def set_status(self, contract_id: UUID, status: str, reason: str | None = None) -> Contract:
        stamp = _TIMESTAMP_OF[status]
        row = self.connection.execute(
            f"UPDATE contracts SET status = %s, {stamp} = now(), "
            "termination_reason = coalesce(%s, termination_reason) "
            f"WHERE id = %s RETURNING {CONTRACT_COLUMNS}",
            (status, reason, contract_id),
        ).fetchone()
        assert row is not None
        return row_as(Contract, row)

    def add_history(self, contract_id: UUID, from_status: str | None, to_status: str, changed_by: str,
                    reason: str | None = None) -> None:
        self.connection.execute(
            "INSERT INTO contract_status_history (contract_id, from_status, to_status, changed_by, reason) "
            "VALUES (%s, %s, %s, %s, %s)", (contract_id, from_status, to_status, changed_by, reason),
        )

    def history(self, contract_id: UUID) -> list[StatusChange]:
        return rows_as(StatusChange, self.connection.execute(
            "SELECT from_status, to_status, changed_by, changed_at, reason FROM contract_status_history "
            "WHERE contract_id = %s ORDER BY id", (contract_id,),
        ).fetchall())
