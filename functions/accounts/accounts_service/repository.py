"""SQL of the accounts service (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import Connection, Repository
from bank_shared.rows import row_as, row_or_none, rows_as
from bank_shared.sql_filters import Filter

PRODUCT_COLUMNS = "code, name, kind, currencies, balance_account, self_service, overdraft_limit, max_per_owner"
ACCOUNT_COLUMNS = "id, number, owner_id, product_code, currency, status, opened_at, closed_at"
CARD_COLUMNS = "id, account_id, last4, bin, expiry_month, expiry_year, status, created_at, block_reason"


@dataclass(frozen=True)
class Product:
    """A row of products (the columns of PRODUCT_COLUMNS; amounts in minor units)."""

    code: str
    name: str
    kind: str
    currencies: list[str]
    balance_account: str
    self_service: bool
    overdraft_limit: int
    max_per_owner: int


@dataclass(frozen=True)
class Account:
    """A row of accounts (the columns of ACCOUNT_COLUMNS)."""

    id: UUID
    number: str
    owner_id: UUID
    product_code: str
    currency: str
    status: str
    opened_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Card:
    """A row of cards (the columns of CARD_COLUMNS: never the PAN's token)."""

    id: UUID
    account_id: UUID
    last4: str
    bin: str
    expiry_month: int
    expiry_year: int
    status: str
    created_at: datetime
    block_reason: str | None


def move_status(connection: Connection, table: str, columns: str, settable: Collection[str], row_id: UUID,
                from_status: str, to_status: str, fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """The row `row_id` of `table` (card authorizations, card top-ups) moved from `from_status` to `to_status`,
    setting `fields` (each among `settable`): its `columns`, or None when it is not in `from_status` (another
    request or the sweep moved it first)."""
    from psycopg import sql

    if not set(fields) <= set(settable):
        raise ValueError(f"unknown fields {sorted(set(fields) - set(settable))}")
    assignments = sql.SQL("").join(sql.SQL(", {} = {}").format(sql.Identifier(name), sql.Placeholder(name))
                                   for name in fields)
    query = sql.SQL("UPDATE {table} SET status = %(to)s, updated_at = now(){assignments} "
                    "WHERE id = %(id)s AND status = %(from)s RETURNING {columns}").format(
        table=sql.Identifier(table), assignments=assignments, columns=sql.SQL(columns))
    return connection.execute(query, {**fields, "to": to_status, "from": from_status, "id": row_id}).fetchone()


class AccountsRepository(Repository):
    def products(self) -> list[Product]:
        return rows_as(Product, self.connection.execute(
            f"SELECT {PRODUCT_COLUMNS} FROM products ORDER BY code").fetchall())

    def product(self, code: str) -> Product | None:
        return row_or_none(Product, self.connection.execute(
            f"SELECT {PRODUCT_COLUMNS} FROM products WHERE code = %s", (code,)).fetchone())

    def next_serial(self) -> int:
        row = self.connection.execute("SELECT nextval('account_serial') AS serial").fetchone()
        assert row is not None
        return int(row["serial"])

    def count_open(self, owner_id: UUID, product_code: str) -> int:
        row = self.connection.execute(
            "SELECT count(*) AS n FROM accounts WHERE owner_id = %s AND product_code = %s AND status = 'active'",
            (owner_id, product_code),
        ).fetchone()
        return int(row["n"]) if row else 0

    def insert_account(self, account_id: UUID, number: str, owner_id: UUID, product_code: str, currency: str,
                       opened_by: str) -> Account:
        """The new account, or the one a retry under the same id inserted before."""
        row = self.connection.execute(
            "INSERT INTO accounts (id, number, owner_id, product_code, currency, opened_by) "
            f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING {ACCOUNT_COLUMNS}",
            (account_id, number, owner_id, product_code, currency, opened_by),
        ).fetchone()
        account = row_as(Account, row) if row is not None else self.get(account_id)
        assert account is not None
        return account

    def get(self, account_id: UUID, *, lock: bool = False) -> Account | None:
        suffix = " FOR UPDATE" if lock else ""
        return row_or_none(Account, self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = %s{suffix}", (account_id,)
        ).fetchone())

    def by_owner(self, owner_id: UUID) -> list[Account]:
        return rows_as(Account, self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE owner_id = %s ORDER BY opened_at, id", (owner_id,)
        ).fetchall())

    def find(self, ids: list[UUID], owner_id: UUID | None, currency: str | None, number: str | None,
             limit: int, card_last4: str | None = None) -> list[Account]:
        """Accounts matching every given filter (ids, owner, currency, number, a card's last four digits),
        oldest first."""
        where = (Filter().any_of("id", ids).equals("owner_id", owner_id).equals("currency", currency)
                 .equals("number", number))
        if card_last4 is not None:
            where.where("id IN (SELECT account_id FROM cards WHERE last4 = %s)", card_last4)
        return rows_as(Account, self.connection.execute(
            *where.page(f"SELECT {ACCOUNT_COLUMNS} FROM accounts", ("opened_at", "id"), limit, descending=False)
        ).fetchall())

    def cards_of(self, account_ids: list[UUID]) -> list[Card]:
        return rows_as(Card, self.connection.execute(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE account_id = ANY(%s) ORDER BY created_at, id", (account_ids,)
        ).fetchall())

    def mark_closed(self, account_id: UUID) -> Account:
        row = self.connection.execute(
            f"UPDATE accounts SET status = 'closed', closed_at = now() WHERE id = %s RETURNING {ACCOUNT_COLUMNS}",
            (account_id,),
        ).fetchone()
        assert row is not None
        return row_as(Account, row)

    def insert_card(self, card_id: UUID, account_id: UUID, token: str, last4: str, bin_prefix: str,
                    expiry_month: int, expiry_year: int) -> Card | None:
        """The new card, or None when another card already has this PAN token (nothing inserted)."""
        return row_or_none(Card, self.connection.execute(
            "INSERT INTO cards (id, account_id, pan_token, last4, bin, expiry_month, expiry_year) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (pan_token) DO NOTHING "
            f"RETURNING {CARD_COLUMNS}",
            (card_id, account_id, token, last4, bin_prefix, expiry_month, expiry_year),
        ).fetchone())

    def cards(self, account_id: UUID) -> list[Card]:
        return rows_as(Card, self.connection.execute(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE account_id = %s ORDER BY created_at, id", (account_id,)
        ).fetchall())

    def card(self, card_id: UUID) -> Card | None:
        return row_or_none(Card, self.connection.execute(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE id = %s", (card_id,)).fetchone())

    def set_card_status(self, card_id: UUID, status: str, block_reason: str | None = None) -> Card:
        row = self.connection.execute(
            "UPDATE cards SET status = %s, block_reason = %s, updated_at = now() WHERE id = %s "
            f"RETURNING {CARD_COLUMNS}",
            (status, block_reason, card_id),
        ).fetchone()
        assert row is not None
        return row_as(Card, row)
