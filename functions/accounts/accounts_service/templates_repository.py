"""SQL of payment templates (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime
from uuid import UUID

from bank_shared.db import Repository
from bank_shared.rows import row_as, row_or_none, rows_as

COLUMNS = ("id, owner_id, name, kind, from_account_id, to_account_number, to_phone, provider_id, payer_account, "
           "amount, currency, description, created_at")


@dataclass(frozen=True)
class NewTemplate:
    id: UUID
    owner_id: UUID
    name: str
    kind: str
    from_account_id: UUID | None
    to_account_number: str | None
    to_phone: str | None
    provider_id: UUID | None
    payer_account: str | None
    amount: int | None
    currency: str
    description: str


@dataclass(frozen=True)
class Template(NewTemplate):
    """A row of payment_templates (the columns of COLUMNS): what was inserted, and when."""

    created_at: datetime


class TemplatesRepository(Repository):
    def count(self, owner_id: UUID) -> int:
        row = self.connection.execute("SELECT count(*) AS n FROM payment_templates WHERE owner_id = %s",
                                      (owner_id,)).fetchone()
        return int(row["n"]) if row else 0

    def insert(self, template: NewTemplate) -> Template | None:
        """The new template, or None when the owner already has one with this name."""
        return row_or_none(Template, self.connection.execute(
            "INSERT INTO payment_templates (id, owner_id, name, kind, from_account_id, to_account_number, to_phone, "
            "provider_id, payer_account, amount, currency, description) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (owner_id, name) DO NOTHING RETURNING {COLUMNS}", astuple(template)).fetchone())

    def by_owner(self, owner_id: UUID) -> list[Template]:
        return rows_as(Template, self.connection.execute(
            f"SELECT {COLUMNS} FROM payment_templates WHERE owner_id = %s ORDER BY name, id", (owner_id,)).fetchall())

    def get(self, template_id: UUID) -> Template | None:
        return row_or_none(Template, self.connection.execute(f"SELECT {COLUMNS} FROM payment_templates WHERE id = %s",
                                                             (template_id,)).fetchone())

    def rename(self, template_id: UUID, name: str) -> Template:
        row = self.connection.execute(
            f"UPDATE payment_templates SET name = %s, updated_at = now() WHERE id = %s RETURNING {COLUMNS}",
            (name, template_id)).fetchone()
        assert row is not None
        return row_as(Template, row)

    def delete(self, template_id: UUID) -> None:
        self.connection.execute("DELETE FROM payment_templates WHERE id = %s", (template_id,))
