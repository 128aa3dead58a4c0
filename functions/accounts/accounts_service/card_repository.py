"""SQL of card spending (psycopg 3, explicit and parametrised): limits and the network's authorizations."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import Connection

Row = dict[str, Any]
AUTH_COLUMNS = ("id, rrn, stan, card_id, account_id, channel, mcc, merchant_name, merchant_city, merchant_country, "
                "amount, currency, billed_amount, billed_currency, rate, status, response_code, decline_reason, "
                "auth_code, hold_id, cleared_amount, transaction_id, expires_at, created_at, updated_at")


class CardRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def card_with_account(self, card_id: UUID, *, lock: bool = False) -> Row | None:
        """The card with its account's owner, currency and status; `lock` serialises the card's authorizations."""
        suffix = " FOR UPDATE OF c" if lock else ""
        return self.connection.execute(
            "SELECT c.id, c.account_id, c.status, c.expiry_month, c.expiry_year, a.owner_id, a.currency, "
            "a.status AS account_status FROM cards c JOIN accounts a ON a.id = c.account_id "
            f"WHERE c.id = %s{suffix}", (card_id,),
        ).fetchone()

    def limits(self, card_id: UUID) -> Row | None:
        return self.connection.execute("SELECT * FROM card_limits WHERE card_id = %s", (card_id,)).fetchone()

    def upsert_limits(self, card_id: UUID, values: dict[str, Any], updated_by: str) -> Row:
        row = self.connection.execute(
            "INSERT INTO card_limits (card_id, per_purchase, daily, monthly, online_enabled, cash_enabled, "
            "updated_by) VALUES (%(card_id)s, %(per_purchase)s, %(daily)s, %(monthly)s, %(online_enabled)s, "
            "%(cash_enabled)s, %(updated_by)s) ON CONFLICT (card_id) DO UPDATE SET "
            "per_purchase = EXCLUDED.per_purchase, daily = EXCLUDED.daily, monthly = EXCLUDED.monthly, "
            "online_enabled = EXCLUDED.online_enabled, cash_enabled = EXCLUDED.cash_enabled, "
            "updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING *",
            {**values, "card_id": card_id, "updated_by": updated_by},
        ).fetchone()
        assert row is not None
        return row

    def spent_since(self, card_id: UUID, day_start: datetime, month_start: datetime) -> tuple[int, int]:
        """What the card holds or spent since each start: cleared authorizations count their cleared amount."""
        row = self.connection.execute(
            "SELECT COALESCE(SUM(spent) FILTER (WHERE created_at >= %s), 0) AS today, "
            "COALESCE(SUM(spent), 0) AS month FROM ("
            "  SELECT created_at, CASE WHEN status = 'cleared' THEN cleared_amount ELSE billed_amount END AS spent"
            "  FROM card_authorizations WHERE card_id = %s AND created_at >= %s"
            "  AND status IN ('holding', 'approved', 'cleared')) s",
            (day_start, card_id, month_start),
        ).fetchone()
        return (int(row["today"]), int(row["month"])) if row else (0, 0)

    def authorization(self, rrn: str, *, lock: bool = False) -> Row | None:
        suffix = " FOR UPDATE" if lock else ""
        return self.connection.execute(
            f"SELECT {AUTH_COLUMNS} FROM card_authorizations WHERE rrn = %s{suffix}", (rrn,)).fetchone()

    def insert_authorization(self, values: dict[str, Any]) -> Row:
        row = self.connection.execute(
            "INSERT INTO card_authorizations (id, rrn, stan, card_id, account_id, channel, mcc, merchant_name, "
            "merchant_city, merchant_country, amount, currency, billed_amount, billed_currency, rate, status, "
            "response_code, decline_reason, expires_at) VALUES (%(id)s, %(rrn)s, %(stan)s, %(card_id)s, "
            "%(account_id)s, %(channel)s, %(mcc)s, %(merchant_name)s, %(merchant_city)s, %(merchant_country)s, "
            "%(amount)s, %(currency)s, %(billed_amount)s, %(billed_currency)s, %(rate)s, %(status)s, "
            f"%(response_code)s, %(decline_reason)s, %(expires_at)s) RETURNING {AUTH_COLUMNS}",
            values,
        ).fetchone()
        assert row is not None
        return row

    def transition(self, authorization_id: UUID, from_status: str, to_status: str, **fields: Any) -> Row | None:
        """Move an authorization on, only from `from_status` (None when another request moved it first).
        `fields` are among response_code, decline_reason, auth_code, hold_id, cleared_amount, transaction_id."""
        allowed = ("response_code", "decline_reason", "auth_code", "hold_id", "cleared_amount", "transaction_id")
        if not set(fields) <= set(allowed):
            raise ValueError(f"unknown fields {sorted(set(fields) - set(allowed))}")
        assignments = "".join(f", {name} = %({name})s" for name in fields)
        return self.connection.execute(
            f"UPDATE card_authorizations SET status = %(to)s, updated_at = now(){assignments} "
            f"WHERE id = %(id)s AND status = %(from)s RETURNING {AUTH_COLUMNS}",
            {**fields, "to": to_status, "from": from_status, "id": authorization_id},
        ).fetchone()

    def stale(self, now: datetime, holding_before: datetime, limit: int) -> list[Row]:
        """Approved authorizations past their expiry and holding ones a crash or outage left behind."""
        return self.connection.execute(
            f"SELECT {AUTH_COLUMNS} FROM card_authorizations WHERE (status = 'approved' AND expires_at <= %s) "
            "OR (status = 'holding' AND created_at <= %s) ORDER BY created_at LIMIT %s",
            (now, holding_before, limit),
        ).fetchall()

    def purchases(self, card_id: UUID, limit: int) -> list[Row]:
        return self.connection.execute(
            f"SELECT {AUTH_COLUMNS} FROM card_authorizations WHERE card_id = %s "
            "ORDER BY created_at DESC, id LIMIT %s", (card_id, limit),
        ).fetchall()
