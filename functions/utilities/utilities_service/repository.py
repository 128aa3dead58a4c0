"""SQL of the utilities service (psycopg 3, parametrised): providers and payments
(the sagas' stored Idempotency-Key answers are bank_shared.idempotency's)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import Repository
from bank_shared.idempotency import RecordedAnswer
from bank_shared.rows import row_or_none, rows_as
from bank_shared.sql_filters import Filter

UPDATABLE = ("name", "category", "inn", "payer_account_label", "payer_account_pattern", "payer_account_hint",
             "min_amount", "max_amount", "active")

_PAYMENT_COLUMNS = (
    "p.id, p.payer_id, p.provider_id, p.from_account_id, p.payer_account, p.amount, p.currency, p.status, "
    "p.idempotency_scope, p.idempotency_key, p.request_hash, p.hold_id, p.ledger_transaction_id, "
    "p.result_status, p.result_body, p.created_at, p.updated_at, p.finished_at, "
    "v.code AS provider_code, v.name AS provider_name, v.category AS provider_category, "
    "v.ledger_account_id AS provider_ledger_account_id"
)


@dataclass(frozen=True)
class Provider:
    """A row of providers (migrations 0001, 0002)."""

    id: UUID
    code: str
    name: str
    category: str
    inn: str
    settlement_account_number: str
    ledger_account_id: UUID
    currency: str
    payer_account_label: str
    payer_account_pattern: str
    payer_account_hint: str
    min_amount: int
    max_amount: int
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Payment(RecordedAnswer):
    """A row of payments with its provider's code, name, category and settlement ledger account."""

    id: UUID
    payer_id: UUID
    provider_id: UUID
    from_account_id: UUID
    payer_account: str
    amount: int
    currency: str
    status: str
    idempotency_scope: str
    idempotency_key: str
    request_hash: str
    hold_id: UUID | None
    ledger_transaction_id: UUID | None
    result_status: int | None
    result_body: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    provider_code: str
    provider_name: str
    provider_category: str
    provider_ledger_account_id: UUID


class ProviderRepository(Repository):
    def page(self, category: str | None, after_code: str | None, limit: int, inactive: bool = False) -> list[Provider]:
        where = Filter().equals("category", category).after(("code",), None if after_code is None else (after_code,),
                                                             descending=False)
        if not inactive:
            where.where("active")
        return rows_as(Provider, self.connection.execute(*where.page("SELECT * FROM providers", ("code",), limit,
                                                   descending=False)).fetchall())

    def by_code(self, code: str) -> Provider | None:
        row = self.connection.execute("SELECT * FROM providers WHERE code = %s", (code,)).fetchone()
        return row_or_none(Provider, row)

    def insert(self, provider_id: UUID, ledger_account_id: UUID, fields: dict[str, Any]) -> bool:
        """A new provider with the next settlement account number; False when any unique value is taken."""
        row = self.connection.execute(
            "INSERT INTO providers (id, code, name, category, inn, settlement_account_number, ledger_account_id, "
            "currency, payer_account_label, payer_account_pattern, payer_account_hint, min_amount, max_amount) "
            "VALUES (%(id)s, %(code)s, %(name)s, %(category)s, %(inn)s, "
            "'407028109' || lpad(nextval('provider_settlement_seq')::text, 11, '0'), %(ledger)s, %(currency)s, "
            "%(payer_account_label)s, %(payer_account_pattern)s, %(payer_account_hint)s, %(min_amount)s, "
            "%(max_amount)s) ON CONFLICT DO NOTHING RETURNING id",
            {**fields, "id": provider_id, "ledger": ledger_account_id}).fetchone()
        return row is not None

    def update(self, provider_id: UUID, fields: dict[str, Any]) -> Provider | None:
        """Set the given columns (names from UPDATABLE only) and return the changed row."""
        unknown = set(fields) - set(UPDATABLE)
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        assignments = ", ".join(f"{column} = %({column})s" for column in fields)
        return row_or_none(Provider, self.connection.execute(
            f"UPDATE providers SET {assignments}, updated_at = now() WHERE id = %(id)s RETURNING *",
            {**fields, "id": provider_id}).fetchone())

    def get(self, provider_id: UUID) -> Provider | None:
        return row_or_none(Provider, self.connection.execute("SELECT * FROM providers WHERE id = %s",
                                                         (provider_id,)).fetchone())

    def all(self) -> list[Provider]:
        return rows_as(Provider, self.connection.execute("SELECT * FROM providers ORDER BY code").fetchall())


class PaymentRepository(Repository):
    def _one(self, where: str, params: tuple[Any, ...], lock: bool = False) -> Payment | None:
        suffix = " FOR UPDATE OF p" if lock else ""
        return row_or_none(Payment, self.connection.execute(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments p JOIN providers v ON v.id = p.provider_id "
            f"WHERE {where}{suffix}", params).fetchone())

    def get(self, payment_id: UUID, lock: bool = False) -> Payment | None:
        return self._one("p.id = %s", (payment_id,), lock)

    def by_key(self, scope: str, key: str) -> Payment | None:
        return self._one("p.idempotency_scope = %s AND p.idempotency_key = %s", (scope, key))

    def insert(self, payment_id: UUID, payer_id: UUID, provider_id: UUID, from_account_id: UUID,
               payer_account: str, amount: int, currency: str, scope: str, key: str, request_hash: str) -> bool:
        """False when another request with this key inserted its payment first."""
        row = self.connection.execute(
            "INSERT INTO payments (id, payer_id, provider_id, from_account_id, payer_account, amount, currency, "
            "idempotency_scope, idempotency_key, request_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING RETURNING id",
            (payment_id, payer_id, provider_id, from_account_id, payer_account, amount, currency, scope, key,
             request_hash)).fetchone()
        return row is not None

    def mark_held(self, payment_id: UUID, hold_id: UUID) -> None:
        self.connection.execute(
            "UPDATE payments SET status = 'held', hold_id = %s, updated_at = now() WHERE id = %s",
            (hold_id, payment_id))

    def finish(self, payment_id: UUID, status: str, transaction_id: UUID | None, result_status: int,
               result_body: dict[str, Any]) -> None:
        self.connection.execute(
            "UPDATE payments SET status = %s, ledger_transaction_id = %s, result_status = %s, result_body = %s, "
            "updated_at = now(), finished_at = now() WHERE id = %s",
            (status, transaction_id, result_status, json.dumps(result_body, default=str), payment_id))

    def list_for_payer(self, payer_id: UUID, before: tuple[datetime, UUID] | None, limit: int) -> list[Payment]:
        where = Filter().equals("p.payer_id", payer_id).after(("p.created_at", "p.id"), before)
        return rows_as(Payment, self.connection.execute(*where.page(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments p JOIN providers v ON v.id = p.provider_id",
            ("p.created_at", "p.id"), limit)).fetchall())

    def unfinished(self, older_than_seconds: int, limit: int) -> list[Payment]:
        return rows_as(Payment, self.connection.execute(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments p JOIN providers v ON v.id = p.provider_id "
            "WHERE p.status IN ('pending', 'held') AND p.updated_at < now() - make_interval(secs => %s) "
            "ORDER BY p.updated_at LIMIT %s", (older_than_seconds, limit)).fetchall())
