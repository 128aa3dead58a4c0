"""SQL of card spending (psycopg 3, explicit and parametrised): limits and the network's authorizations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from accounts_service.repository import move_status
from bank_shared.db import Repository
from bank_shared.rows import row_as, row_or_none, rows_as

AUTH_COLUMNS = ("id, rrn, stan, card_id, account_id, channel, mcc, merchant_name, merchant_city, merchant_country, "
                "amount, currency, billed_amount, billed_currency, rate, status, response_code, decline_reason, "
                "auth_code, hold_id, cleared_amount, transaction_id, expires_at, created_at, updated_at")


@dataclass(frozen=True)
class CardWithAccount:
    """A card with its account's owner, currency and status."""

    id: UUID
    account_id: UUID
    status: str
    expiry_month: int
    expiry_year: int
    owner_id: UUID
    currency: str
    account_status: str


@dataclass(frozen=True)
class CardLimits:
    """A row of card_limits (minor units of the account's currency; None is no limit)."""

    card_id: UUID
    per_purchase: int | None
    daily: int | None
    monthly: int | None
    online_enabled: bool
    cash_enabled: bool
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class Authorization:
    """A row of card_authorizations (the columns of AUTH_COLUMNS)."""

    id: UUID
    rrn: str
    stan: str
    card_id: UUID
    account_id: UUID
    channel: str
    mcc: str
    merchant_name: str
    merchant_city: str
    merchant_country: str
    amount: int
    currency: str
    billed_amount: int
    billed_currency: str
    rate: Decimal
    status: str
    response_code: str | None
    decline_reason: str | None
    auth_code: str | None
    hold_id: UUID | None
    cleared_amount: int | None
    transaction_id: UUID | None
    expires_at: datetime
    created_at: datetime
    updated_at: datetime

    def held(self) -> UUID:
        """The ledger hold of an authorization that got one (the table checks that an approved one has)."""
        assert self.hold_id is not None, f"authorization {self.rrn} has no hold"
        return self.hold_id


class CardRepository(Repository):
    def card_with_account(self, card_id: UUID, *, lock: bool = False) -> CardWithAccount | None:
        """The card with its account's owner, currency and status; `lock` serialises the card's authorizations."""
        suffix = " FOR UPDATE OF c" if lock else ""
        return row_or_none(CardWithAccount, self.connection.execute(
            "SELECT c.id, c.account_id, c.status, c.expiry_month, c.expiry_year, a.owner_id, a.currency, "
            "a.status AS account_status FROM cards c JOIN accounts a ON a.id = c.account_id "
            f"WHERE c.id = %s{suffix}", (card_id,),
        ).fetchone())

    def limits(self, card_id: UUID) -> CardLimits | None:
        return row_or_none(CardLimits, self.connection.execute(
            "SELECT * FROM card_limits WHERE card_id = %s", (card_id,)).fetchone())

    def upsert_limits(self, card_id: UUID, values: dict[str, Any], updated_by: str) -> CardLimits:
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
        return row_as(CardLimits, row)

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

    def authorization(self, rrn: str, *, lock: bool = False) -> Authorization | None:
        suffix = " FOR UPDATE" if lock else ""
        return row_or_none(Authorization, self.connection.execute(
            f"SELECT {AUTH_COLUMNS} FROM card_authorizations WHERE rrn = %s{suffix}", (rrn,)).fetchone())

    def insert_authorization(self, values: dict[str, Any]) -> Authorization:
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
        return row_as(Authorization, row)

    def transition(self, authorization_id: UUID, from_status: str, to_status: str,
                   **fields: Any) -> Authorization | None:
        """Move an authorization on, only from `from_status` (None when another request moved it first).
        `fields` are among response_code, decline_reason, auth_code, hold_id, cleared_amount, transaction_id."""
        allowed = ("response_code", "decline_reason", "auth_code", "hold_id", "cleared_amount", "transaction_id")
        return row_or_none(Authorization, move_status(self.connection, "card_authorizations", AUTH_COLUMNS, allowed,
                                                      authorization_id, from_status, to_status, fields))

    def stale(self, now: datetime, holding_before: datetime, limit: int) -> list[Authorization]:
        """Approved authorizations past their expiry and holding ones a crash or outage left behind."""
        return rows_as(Authorization, self.connection.execute(
            f"SELECT {AUTH_COLUMNS} FROM card_authorizations WHERE (status = 'approved' AND expires_at <= %s) "
            "OR (status = 'holding' AND created_at <= %s) ORDER BY created_at LIMIT %s",
            (now, holding_before, limit),
        ).fetchall())

    def purchases(self, card_id: UUID, limit: int) -> list[Authorization]:
        return rows_as(Authorization, self.connection.execute(
            f"SELECT {AUTH_COLUMNS} FROM card_authorizations WHERE card_id = %s "
            "ORDER BY created_at DESC, id LIMIT %s", (card_id, limit),
        ).fetchall())
