"""SQL of savings rates, interest accruals and capitalizations (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from bank_shared.db import Repository
from bank_shared.rows import row_as, rows_as


@dataclass(frozen=True)
class SavingsRate:
    """A row of savings_rates."""

    product_code: str
    effective_from: date
    annual_rate: Decimal
    set_by: str
    reason: str | None = None


@dataclass(frozen=True)
class AccountToAccrue:
    """An active savings account with days not accrued yet, and the last day accrued (None before the first)."""

    id: UUID
    currency: str
    product_code: str
    opened_at: datetime
    last_day: date | None


@dataclass(frozen=True)
class MonthToCapitalize:
    """A fully accrued month of an account, not capitalized yet, with its interest not settled at a close."""

    account_id: UUID
    currency: str
    month: date
    total: int


@dataclass(frozen=True)
class Accrual:
    """A row of savings_accruals (one account's day)."""

    day: date
    balance: int
    annual_rate: Decimal
    amount: int


@dataclass(frozen=True)
class Capitalization:
    """A row of savings_capitalizations (one account's month)."""

    month: date
    amount: int


@dataclass(frozen=True)
class Unsettled:
    """Interest accrued and not paid in yet, through its last day (None when there is none)."""

    total: int
    last_day: date | None


class SavingsRepository(Repository):
    def rates(self, product_code: str | None = None) -> list[SavingsRate]:
        return rows_as(SavingsRate, self.connection.execute(
            "SELECT product_code, effective_from, annual_rate, set_by, reason FROM savings_rates "
            "WHERE %(code)s::text IS NULL OR product_code = %(code)s ORDER BY product_code, effective_from",
            {"code": product_code}).fetchall())

    def set_rate(self, product_code: str, effective_from: date, annual_rate: Decimal, set_by: str,
                 reason: str | None = None) -> SavingsRate:
        row = self.connection.execute(
            "INSERT INTO savings_rates (product_code, effective_from, annual_rate, set_by, reason) "
            "VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (product_code, effective_from) DO UPDATE SET annual_rate = EXCLUDED.annual_rate, "
            "set_by = EXCLUDED.set_by, reason = EXCLUDED.reason, created_at = now() "
            "RETURNING product_code, effective_from, annual_rate, set_by, reason",
            (product_code, effective_from, annual_rate, set_by, reason)).fetchone()
        assert row is not None
        return row_as(SavingsRate, row)

    def accounts_to_accrue(self, through: date, limit: int,
                           account_id: UUID | None = None) -> list[AccountToAccrue]:
        """Active savings accounts (all, or the one given) with a day up to `through` not accrued yet, and the
        last day accrued."""
        return rows_as(AccountToAccrue, self.connection.execute(
            "SELECT a.id, a.currency, a.product_code, a.opened_at, "
            "(SELECT max(s.day) FROM savings_accruals s WHERE s.account_id = a.id) AS last_day "
            "FROM accounts a JOIN products p ON p.code = a.product_code "
            "WHERE p.kind = 'savings' AND a.status = 'active' AND (a.opened_at AT TIME ZONE 'UTC')::date <= %s "
            "AND coalesce((SELECT max(s.day) FROM savings_accruals s WHERE s.account_id = a.id), DATE '0001-01-01') "
            "< %s AND (%s::uuid IS NULL OR a.id = %s) ORDER BY a.id LIMIT %s",
            (through, through, account_id, account_id, limit)).fetchall())

    def insert_accrual(self, account_id: UUID, day: date, balance: int, annual_rate: Decimal, amount: int,
                       transaction_id: str | None) -> None:
        self.connection.execute(
            "INSERT INTO savings_accruals (account_id, day, balance, annual_rate, amount, transaction_id) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (account_id, day) DO NOTHING",
            (account_id, day, balance, annual_rate, amount, transaction_id))

    def months_to_capitalize(self, before: date, limit: int,
                             account_id: UUID | None = None) -> list[MonthToCapitalize]:
        """Months before `before` whose every day since the account opened is accrued, not yet capitalized (of
        every account, or of the one given)."""
        return rows_as(MonthToCapitalize, self.connection.execute(
            "SELECT s.account_id, a.currency, date_trunc('month', s.day)::date AS month, "
            "coalesce(sum(s.amount) FILTER (WHERE s.settled_through IS NULL), 0)::bigint AS total "
            "FROM savings_accruals s JOIN accounts a ON a.id = s.account_id "
            "WHERE s.day < %s AND (%s::uuid IS NULL OR s.account_id = %s) "
            "AND NOT EXISTS (SELECT 1 FROM savings_capitalizations c "
            "  WHERE c.account_id = s.account_id AND c.month = date_trunc('month', s.day)::date) "
            "GROUP BY s.account_id, a.currency, date_trunc('month', s.day) "
            "HAVING max(s.day) = (date_trunc('month', max(s.day)) + interval '1 month - 1 day')::date "
            "ORDER BY month, s.account_id LIMIT %s", (before, account_id, account_id, limit)).fetchall())

    def insert_capitalization(self, account_id: UUID, month: date, amount: int, transaction_id: str | None) -> None:
        self.connection.execute(
            "INSERT INTO savings_capitalizations (account_id, month, amount, transaction_id) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (account_id, month) DO NOTHING", (account_id, month, amount, transaction_id))

    def accruals(self, account_id: UUID, since: date) -> list[Accrual]:
        return rows_as(Accrual, self.connection.execute(
            "SELECT day, balance, annual_rate, amount FROM savings_accruals WHERE account_id = %s AND day >= %s "
            "ORDER BY day", (account_id, since)).fetchall())

    def capitalizations(self, account_id: UUID, limit: int) -> list[Capitalization]:
        return rows_as(Capitalization, self.connection.execute(
            "SELECT month, amount FROM savings_capitalizations WHERE account_id = %s ORDER BY month DESC LIMIT %s",
            (account_id, limit)).fetchall())

    def unsettled(self, account_id: UUID, through: date) -> Unsettled:
        """Interest accrued up to `through` and paid in neither by a month's capitalization nor at a close."""
        row = self.connection.execute(
            "SELECT coalesce(sum(s.amount), 0)::bigint AS total, max(s.day) AS last_day FROM savings_accruals s "
            "WHERE s.account_id = %s AND s.day <= %s AND s.settled_through IS NULL AND NOT EXISTS ("
            "  SELECT 1 FROM savings_capitalizations c WHERE c.account_id = s.account_id "
            "  AND c.month = date_trunc('month', s.day)::date)", (account_id, through)).fetchone()
        assert row is not None
        return row_as(Unsettled, row)

    def mark_settled(self, account_id: UUID, through: date) -> None:
        self.connection.execute(
            "UPDATE savings_accruals s SET settled_through = %s WHERE s.account_id = %s AND s.day <= %s "
            "AND s.settled_through IS NULL AND NOT EXISTS (SELECT 1 FROM savings_capitalizations c "
            "WHERE c.account_id = s.account_id AND c.month = date_trunc('month', s.day)::date)",
            (through, account_id, through))
