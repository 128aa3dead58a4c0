"""SQL of the ledger (psycopg 3, explicit and parametrised). No business rules here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bank_shared.db import Repository, jsonb
from bank_shared.rows import row_as, row_or_none, rows_as
from bank_shared.sql_filters import Filter

if TYPE_CHECKING:
    from ledger_service.transfers import TransferOrder

ACCOUNT_COLUMNS = "id, kind, system_code, owner_id, currency, balance, held, overdraft_limit, allow_negative, status"
# What the transfer functions in PL/pgSQL (migration 0003) answer: a JSON object, not a row.
Outcome = dict[str, Any]
# The other side's name as the posting's account holder sees it (docs/money.md#counterparty).
COUNTERPARTY_NAME = "t.counterparties -> p.account_id::text ->> 'name'"


@dataclass(frozen=True)
class LedgerAccount:
    id: UUID
    kind: str  # customer | system
    system_code: str | None
    owner_id: UUID | None
    currency: str
    balance: int
    held: int
    overdraft_limit: int
    allow_negative: bool
    status: str


@dataclass(frozen=True)
class LedgerTransaction:
    id: UUID
    kind: str
    description: str
    initiated_by: str
    approved_by: str | None
    reverses: UUID | None
    created_at: datetime
    counterparties: dict[str, Any] | None = None  # account id -> the other side as that account's holder sees it


@dataclass(frozen=True)
class Leg:
    """One posting of a transaction."""

    account_id: UUID
    currency: str
    amount: int


@dataclass(frozen=True)
class HistoryPosting:
    """A posting with its transaction's kind and description (the history feed)."""

    posting_id: int
    transaction_id: UUID
    account_id: UUID
    currency: str
    amount: int
    created_at: datetime
    kind: str
    description: str
    counterparty: dict[str, Any] | None = None  # the other side as this account's holder sees it


@dataclass(frozen=True)
class Hold:
    id: UUID
    account_id: UUID
    amount: int
    currency: str
    status: str
    description: str
    created_by: str
    expires_at: datetime
    transaction_id: UUID | None


class LedgerRepository(Repository):
    # accounts -------------------------------------------------------------------------------------------
    def insert_customer_account(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> bool:
        row = self.connection.execute(
            "INSERT INTO ledger_accounts (id, kind, owner_id, currency, overdraft_limit) "
            "VALUES (%s, 'customer', %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id",
            (account_id, owner_id, currency, overdraft_limit),
        ).fetchone()
        return row is not None

    def get_account(self, account_id: UUID) -> LedgerAccount | None:
        return row_or_none(LedgerAccount, self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = %s", (account_id,)
        ).fetchone())

    def get_accounts(self, account_ids: Sequence[UUID]) -> list[LedgerAccount]:
        return rows_as(LedgerAccount, self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = ANY(%s) ORDER BY id", (list(account_ids),)
        ).fetchall())

    def lock_accounts(self, account_ids: Sequence[UUID]) -> dict[UUID, LedgerAccount]:
        """Row locks taken in one fixed order (by id), so two transfers can never deadlock on each other."""
        rows = self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
            (sorted(set(account_ids)),),
        ).fetchall()
        return {row["id"]: row_as(LedgerAccount, row) for row in rows}

    def system_account_id(self, kind: str, currency: str) -> UUID | None:
        row = self.connection.execute(
            "SELECT id FROM ledger_accounts WHERE system_code = %s", (f"{kind}:{currency}",)
        ).fetchone()
        return row["id"] if row else None

    def first_account_of(self, owner_id: UUID, currency: str) -> UUID | None:
        row = self.connection.execute(
            "SELECT id FROM ledger_accounts WHERE owner_id = %s AND currency = %s ORDER BY created_at, id LIMIT 1",
            (owner_id, currency),
        ).fetchone()
        return row["id"] if row else None

    def set_status(self, account_id: UUID, status: str) -> None:
        self.connection.execute(
            "UPDATE ledger_accounts SET status = %s, updated_at = now() WHERE id = %s", (status, account_id)
        )

    def add_held(self, account_id: UUID, delta: int) -> None:
        self.connection.execute(
            "UPDATE ledger_accounts SET held = held + %s, updated_at = now() WHERE id = %s", (delta, account_id)
        )

    # transactions and postings ----------------------------------------------------------------------------
    def post(self, transaction_id: UUID, kind: str, description: str, initiated_by: str,
             postings: Sequence[tuple[UUID, str, int]], reverses: UUID | None = None,
             approved_by: str | None = None, counterparties: dict[str, Any] | None = None) -> datetime:
        """The transaction, its postings and the balance changes, in the caller's database transaction.

        Callers hold the account locks already (lock_accounts), so the balance UPDATE cannot deadlock.
        """
        row = self.connection.execute(
            "INSERT INTO ledger_transactions (id, kind, description, initiated_by, reverses, approved_by, "
            "counterparties) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING created_at",
            (transaction_id, kind, description, initiated_by, reverses, approved_by,
             None if counterparties is None else jsonb(counterparties)),
        ).fetchone()
        assert row is not None
        accounts = [account for account, _, _ in postings]
        currencies = [currency for _, currency, _ in postings]
        amounts = [amount for _, _, amount in postings]
        self.connection.execute(
            "INSERT INTO postings (transaction_id, account_id, currency, amount, created_at) "
            "SELECT %s, a, c, m, %s FROM unnest(%s::uuid[], %s::char(3)[], %s::bigint[]) AS p (a, c, m)",
            (transaction_id, row["created_at"], accounts, currencies, amounts),
        )
        self.connection.execute(
            "UPDATE ledger_accounts AS la SET balance = la.balance + d.delta, updated_at = now() "
            "FROM (SELECT a, sum(m) AS delta FROM unnest(%s::uuid[], %s::bigint[]) AS p (a, m) GROUP BY a) AS d "
            "WHERE la.id = d.a",
            (accounts, amounts),
        )
        created_at: datetime = row["created_at"]
        return created_at

    def get_transaction(self, transaction_id: UUID) -> LedgerTransaction | None:
        return row_or_none(LedgerTransaction, self.connection.execute(
            "SELECT id, kind, description, initiated_by, approved_by, reverses, created_at, counterparties "
            "FROM ledger_transactions WHERE id = %s", (transaction_id,)
        ).fetchone())

    def postings_of(self, transaction_id: UUID) -> list[Leg]:
        return rows_as(Leg, self.connection.execute(
            "SELECT account_id, currency, amount FROM postings WHERE transaction_id = %s ORDER BY id",
            (transaction_id,),
        ).fetchall())

    def reversal_of(self, transaction_id: UUID) -> UUID | None:
        row = self.connection.execute(
            "SELECT id FROM ledger_transactions WHERE reverses = %s", (transaction_id,)
        ).fetchone()
        return row["id"] if row else None

    # transfers in one round trip, and the per-account combiner (migration 0003) ----------------------------
    def apply_transfer(self, order: TransferOrder, wait_for_locks: bool) -> Outcome:
        """Raises psycopg.errors.LockNotAvailable (DETAIL: the busy account) when not waiting for locks."""
        row = self.connection.execute(
            "SELECT ledger_transfer_apply(%s, %s) AS outcome", (jsonb(order.as_json()), wait_for_locks)
        ).fetchone()
        assert row is not None
        outcome: Outcome = row["outcome"]
        return outcome

    def listen_combiner(self, account_id: UUID) -> None:
        from psycopg import sql

        channel = f"ledger_combiner_{account_id.hex}"  # = ledger_combiner_channel(account_id) in SQL
        self.connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    def enqueue_transfer(self, request_id: UUID, account_id: UUID, order: TransferOrder) -> bool:
        """Queue an order for the account's combiner; True when this session became its leader."""
        row = self.connection.execute(
            "SELECT ledger_transfer_enqueue(%s, %s, %s) AS leader", (request_id, account_id, jsonb(order.as_json()))
        ).fetchone()
        return bool(row and row["leader"])

    def poll_transfer(self, request_id: UUID, account_id: UUID) -> Outcome:
        row = self.connection.execute(
            "SELECT ledger_transfer_poll(%s, %s) AS state", (request_id, account_id)
        ).fetchone()
        assert row is not None
        state: Outcome = row["state"]
        return state

    def lead_transfers(self, account_id: UUID, own_request_id: UUID, limit: int) -> Outcome | None:
        row = self.connection.execute(
            "SELECT ledger_transfer_lead(%s, %s, %s) AS outcome", (account_id, own_request_id, limit)
        ).fetchone()
        assert row is not None
        outcome: Outcome | None = row["outcome"]
        return outcome

    def step_down(self, account_id: UUID) -> None:
        self.connection.execute("SELECT ledger_transfer_step_down(%s)", (account_id,))

    def insert_exchange_details(self, transaction_id: UUID, quote_id: UUID, rate: Decimal, sell_currency: str,
                                sell_amount: int, buy_currency: str, buy_amount: int) -> bool:
        """False when this quote was already exchanged (one exchange per quote)."""
        row = self.connection.execute(
            "INSERT INTO exchange_details (transaction_id, quote_id, rate, sell_currency, sell_amount, "
            "buy_currency, buy_amount) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (quote_id) DO NOTHING RETURNING transaction_id",
            (transaction_id, quote_id, rate, sell_currency, sell_amount, buy_currency, buy_amount),
        ).fetchone()
        return row is not None

    def list_postings(self, owner_id: UUID | None, account_id: UUID | None, kind: str | None,
                      since: datetime | None, until: datetime | None,
                      after: tuple[datetime, int] | None, limit: int,
                      query: str | None = None) -> list[HistoryPosting]:
        where = (Filter().equals("a.owner_id", owner_id).equals("p.account_id", account_id).equals("t.kind", kind)
                 .since("p.created_at", since).until("p.created_at", until)
                 .search(("t.description", COUNTERPARTY_NAME), query)  # docs/money.md#counterparty
                 .after(("p.created_at", "p.id"), after))
        return rows_as(HistoryPosting, self.connection.execute(*where.page(
            "SELECT p.id AS posting_id, p.transaction_id, p.account_id, p.currency, p.amount, p.created_at, "
            "t.kind, t.description, t.counterparties -> p.account_id::text AS counterparty FROM postings p "
            "JOIN ledger_accounts a ON a.id = p.account_id JOIN ledger_transactions t ON t.id = p.transaction_id",
            ("p.created_at", "p.id"), limit)).fetchall())

    # holds ------------------------------------------------------------------------------------------------
    def insert_hold(self, hold_id: UUID, account_id: UUID, amount: int, currency: str, description: str,
                    created_by: str, expires_at: datetime) -> Hold:
        row = self.connection.execute(
            "INSERT INTO holds (id, account_id, amount, currency, description, created_by, expires_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
            (hold_id, account_id, amount, currency, description, created_by, expires_at),
        ).fetchone()
        assert row is not None
        return row_as(Hold, row)

    def lock_hold(self, hold_id: UUID) -> Hold | None:
        return row_or_none(
            Hold, self.connection.execute("SELECT * FROM holds WHERE id = %s FOR UPDATE", (hold_id,)).fetchone())

    def finish_hold(self, hold_id: UUID, status: str, transaction_id: UUID | None) -> Hold:
        row = self.connection.execute(
            "UPDATE holds SET status = %s, transaction_id = %s, updated_at = now() WHERE id = %s RETURNING *",
            (status, transaction_id, hold_id),
        ).fetchone()
        assert row is not None
        return row_as(Hold, row)

    def expired_hold_ids(self, limit: int) -> list[UUID]:
        rows = self.connection.execute(
            "SELECT id FROM holds WHERE status = 'pending' AND expires_at <= now() ORDER BY expires_at LIMIT %s",
            (limit,),
        ).fetchall()
        return [row["id"] for row in rows]

    def pending_holds_total(self, account_id: UUID) -> int:
        row = self.connection.execute(
            "SELECT coalesce(sum(amount), 0) AS total FROM holds WHERE account_id = %s AND status = 'pending'",
            (account_id,),
        ).fetchone()
        return int(row["total"]) if row else 0
