"""SQL of standing orders and their occurrences (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime
from uuid import UUID

from bank_shared.db import Repository
from bank_shared.rows import row_as, row_or_none, rows_as

ORDER_COLUMNS = ("id, owner_id, name, kind, from_account_id, to_account_id, provider_id, payer_account, amount, "
                 "currency, description, frequency, start_date, day_of_month, end_date, max_count, "
                 "on_insufficient, status, next_seq, next_due, created_at")
RUN_COLUMNS = "order_id, seq, due_date, status, attempts, next_attempt, result_id, problem_code, updated_at"


@dataclass(frozen=True)
class NewOrder:
    id: UUID
    owner_id: UUID
    name: str
    kind: str
    from_account_id: UUID
    to_account_id: UUID | None
    provider_id: UUID | None
    payer_account: str | None
    amount: int
    currency: str
    description: str
    frequency: str
    start_date: date
    day_of_month: int | None
    end_date: date | None
    max_count: int | None
    on_insufficient: str
    next_due: date | None  # a new order's first occurrence; NULL on a stored one that has no further occurrence


@dataclass(frozen=True)
class StandingOrder(NewOrder):
    """A row of standing_orders (the columns of ORDER_COLUMNS): what was inserted, and its progress since."""

    status: str
    next_seq: int
    created_at: datetime


@dataclass(frozen=True)
class OrderRun:
    """A row of standing_order_runs (one occurrence of an order; the columns of RUN_COLUMNS)."""

    order_id: UUID
    seq: int
    due_date: date
    status: str
    attempts: int
    next_attempt: date
    result_id: str | None
    problem_code: str | None
    updated_at: datetime


class StandingOrdersRepository(Repository):
    def insert(self, order: NewOrder) -> StandingOrder:
        row = self.connection.execute(
            "INSERT INTO standing_orders (id, owner_id, name, kind, from_account_id, to_account_id, provider_id, "
            "payer_account, amount, currency, description, frequency, start_date, day_of_month, end_date, "
            "max_count, on_insufficient, next_due) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            f"RETURNING {ORDER_COLUMNS}",
            astuple(order),
        ).fetchone()
        assert row is not None
        return row_as(StandingOrder, row)

    def get(self, order_id: UUID, *, lock: bool = False) -> StandingOrder | None:
        suffix = " FOR UPDATE" if lock else ""
        return row_or_none(StandingOrder, self.connection.execute(
            f"SELECT {ORDER_COLUMNS} FROM standing_orders WHERE id = %s{suffix}", (order_id,)).fetchone())

    def by_owner(self, owner_id: UUID) -> list[StandingOrder]:
        return rows_as(StandingOrder, self.connection.execute(
            f"SELECT {ORDER_COLUMNS} FROM standing_orders WHERE owner_id = %s ORDER BY created_at DESC, id",
            (owner_id,)).fetchall())

    def cancel(self, order_id: UUID) -> StandingOrder:
        """The order cancelled (the caller found it; one already stopped comes back as it is)."""
        row = self.connection.execute(
            "UPDATE standing_orders SET status = 'cancelled', next_due = NULL, updated_at = now() "
            f"WHERE id = %s AND status = 'active' RETURNING {ORDER_COLUMNS}", (order_id,)).fetchone()
        order = row_as(StandingOrder, row) if row is not None else self.get(order_id)
        assert order is not None
        return order

    def lock_due(self, today: date, limit: int) -> list[StandingOrder]:
        """Active orders with an occurrence due on or before `today`; a concurrent sweep skips them."""
        return rows_as(StandingOrder, self.connection.execute(
            f"SELECT {ORDER_COLUMNS} FROM standing_orders WHERE status = 'active' AND next_due <= %s "
            "ORDER BY next_due, id LIMIT %s FOR UPDATE SKIP LOCKED", (today, limit)).fetchall())

    def insert_run(self, order_id: UUID, seq: int, due_date: date) -> None:
        """The occurrence's one row; a second sweep over the same occurrence inserts nothing."""
        self.connection.execute(
            "INSERT INTO standing_order_runs (order_id, seq, due_date, next_attempt) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (order_id, seq) DO NOTHING", (order_id, seq, due_date, due_date))

    def advance(self, order_id: UUID, next_seq: int, next_due: date | None) -> None:
        self.connection.execute(
            "UPDATE standing_orders SET next_seq = %s, next_due = %s, "
            "status = CASE WHEN %s::date IS NULL THEN 'finished' ELSE status END, updated_at = now() "
            "WHERE id = %s", (next_seq, next_due, next_due, order_id))

    def pending_runs(self, today: date, limit: int) -> list[OrderRun]:
        return rows_as(OrderRun, self.connection.execute(
            f"SELECT {RUN_COLUMNS} FROM standing_order_runs WHERE status = 'pending' AND next_attempt <= %s "
            "ORDER BY next_attempt, order_id, seq LIMIT %s", (today, limit)).fetchall())

    def lock_run(self, order_id: UUID, seq: int) -> OrderRun | None:
        return row_or_none(OrderRun, self.connection.execute(
            f"SELECT {RUN_COLUMNS} FROM standing_order_runs WHERE order_id = %s AND seq = %s FOR UPDATE",
            (order_id, seq)).fetchone())

    def finish_run(self, order_id: UUID, seq: int, status: str, result_id: str | None,
                   problem_code: str | None) -> None:
        self.connection.execute(
            "UPDATE standing_order_runs SET status = %s, result_id = %s, problem_code = %s, "
            "attempts = attempts + 1, updated_at = now() WHERE order_id = %s AND seq = %s",
            (status, result_id, problem_code, order_id, seq))

    def postpone_run(self, order_id: UUID, seq: int, next_attempt: date, problem_code: str) -> None:
        self.connection.execute(
            "UPDATE standing_order_runs SET attempts = attempts + 1, next_attempt = %s, problem_code = %s, "
            "updated_at = now() WHERE order_id = %s AND seq = %s", (next_attempt, problem_code, order_id, seq))

    def runs_of(self, order_id: UUID, limit: int) -> list[OrderRun]:
        return rows_as(OrderRun, self.connection.execute(
            f"SELECT {RUN_COLUMNS} FROM standing_order_runs WHERE order_id = %s ORDER BY seq DESC LIMIT %s",
            (order_id, limit)).fetchall())
