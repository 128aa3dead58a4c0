"""SQL of the accounts service (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from bank_shared.db import Connection
from bank_shared.sql_filters import Filter

Row = dict[str, Any]
ACCOUNT_COLUMNS = "id, number, owner_id, product_code, currency, status, opened_at, closed_at"
CARD_COLUMNS = "id, account_id, last4, bin, expiry_month, expiry_year, status, created_at, block_reason"


class AccountsRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def products(self) -> list[Row]:
        return self.connection.execute("SELECT * FROM products ORDER BY code").fetchall()

    def product(self, code: str) -> Row | None:
        return self.connection.execute("SELECT * FROM products WHERE code = %s", (code,)).fetchone()

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
                       opened_by: str) -> Row:
        row = self.connection.execute(
            "INSERT INTO accounts (id, number, owner_id, product_code, currency, opened_by) "
            f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING {ACCOUNT_COLUMNS}",
            (account_id, number, owner_id, product_code, currency, opened_by),
        ).fetchone()
        return row if row is not None else self.get(account_id) or {}

    def get(self, account_id: UUID, *, lock: bool = False) -> Row | None:
        suffix = " FOR UPDATE" if lock else ""
        return self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = %s{suffix}", (account_id,)
        ).fetchone()

    def by_owner(self, owner_id: UUID) -> list[Row]:
        return self.connection.execute(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE owner_id = %s ORDER BY opened_at, id", (owner_id,)
        ).fetchall()

    def find(self, ids: list[UUID], owner_id: UUID | None, currency: str | None, number: str | None,
             limit: int, card_last4: str | None = None) -> list[Row]:
        """Accounts matching every given filter (ids, owner, currency, number, a card's last four digits),
        oldest first."""
        where = (Filter().any_of("id", ids).equals("owner_id", owner_id).equals("currency", currency)
                 .equals("number", number))
        if card_last4 is not None:
            where.where("id IN (SELECT account_id FROM cards WHERE last4 = %s)", card_last4)
        return self.connection.execute(
            *where.page(f"SELECT {ACCOUNT_COLUMNS} FROM accounts", ("opened_at", "id"), limit, descending=False)
        ).fetchall()

    def cards_of(self, account_ids: list[UUID]) -> list[Row]:
        return self.connection.execute(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE account_id = ANY(%s) ORDER BY created_at, id", (account_ids,)
        ).fetchall()

    def mark_closed(self, account_id: UUID) -> Row:
        row = self.connection.execute(
            f"UPDATE accounts SET status = 'closed', closed_at = now() WHERE id = %s RETURNING {ACCOUNT_COLUMNS}",
            (account_id,),
        ).fetchone()
        assert row is not None
        return row

    def insert_card(self, card_id: UUID, account_id: UUID, token: str, last4: str, bin_prefix: str,
                    expiry_month: int, expiry_year: int) -> Row | None:
        """The new card, or None when another card already has this PAN token (nothing inserted)."""
        return self.connection.execute(
            "INSERT INTO cards (id, account_id, pan_token, last4, bin, expiry_month, expiry_year) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (pan_token) DO NOTHING "
            f"RETURNING {CARD_COLUMNS}",
            (card_id, account_id, token, last4, bin_prefix, expiry_month, expiry_year),
        ).fetchone()

    def cards(self, account_id: UUID) -> list[Row]:
        return self.connection.execute(
            f"SELECT {CARD_COLUMNS} FROM cards WHERE account_id = %s ORDER BY created_at, id", (account_id,)
        ).fetchall()

    def card(self, card_id: UUID) -> Row | None:
        return self.connection.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE id = %s", (card_id,)).fetchone()

    def set_card_status(self, card_id: UUID, status: str, block_reason: str | None = None) -> Row:
        row = self.connection.execute(
            "UPDATE cards SET status = %s, block_reason = %s, updated_at = now() WHERE id = %s "
            f"RETURNING {CARD_COLUMNS}",
            (status, block_reason, card_id),
        ).fetchone()
        assert row is not None
        return row
