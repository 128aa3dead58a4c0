"""SQL of fx quotes (psycopg 3, explicit and parametrised). No business rules here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from bank_shared.db import Repository
from bank_shared.idempotency import RecordedAnswer
from bank_shared.rows import row_as, row_or_none, rows_as


@dataclass(frozen=True)
class Quote(RecordedAnswer):
    """A row of fx_quotes (migration 0001)."""

    id: UUID
    owner_id: UUID
    from_account_id: UUID
    to_account_id: UUID
    sell_currency: str
    sell_amount: int
    buy_currency: str
    buy_amount: int
    fixed_side: str
    mid_rate: Decimal
    rate: Decimal
    spread_bps: int
    rate_date: date
    rate_source: str
    rate_stale: bool
    status: str
    expires_at: datetime
    created_at: datetime
    exchange_key: str | None
    claimed_at: datetime | None
    finished_at: datetime | None
    ledger_transaction_id: UUID | None
    result_status: int | None
    result_body: dict[str, Any] | None  # the answer of a finished quote: executed or refused


class QuoteRepository(Repository):
    def insert(self, quote_id: UUID, owner_id: UUID, from_account_id: UUID, to_account_id: UUID,
               sell: tuple[str, int], buy: tuple[str, int], fixed_side: str, mid_rate: Decimal, rate: Decimal,
               spread_bps: int, rate_date: date, rate_source: str, rate_stale: bool, created_at: datetime,
               expires_at: datetime) -> Quote:
        row = self.connection.execute(
            "INSERT INTO fx_quotes (id, owner_id, from_account_id, to_account_id, sell_currency, sell_amount, "
            "buy_currency, buy_amount, fixed_side, mid_rate, rate, spread_bps, rate_date, rate_source, rate_stale, "
            "created_at, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "RETURNING *",
            (quote_id, owner_id, from_account_id, to_account_id, sell[0], sell[1], buy[0], buy[1], fixed_side,
             mid_rate, rate, spread_bps, rate_date, rate_source, rate_stale, created_at, expires_at),
        ).fetchone()
        assert row is not None
        return row_as(Quote, row)

    def get(self, quote_id: UUID, *, lock: bool = False) -> Quote | None:
        suffix = " FOR UPDATE" if lock else ""
        row = self.connection.execute(f"SELECT * FROM fx_quotes WHERE id = %s{suffix}", (quote_id,)).fetchone()
        return row_or_none(Quote, row)

    def claim(self, quote_id: UUID, key: str) -> None:
        self.connection.execute(
            "UPDATE fx_quotes SET status = 'executing', exchange_key = %s, claimed_at = now() "
            "WHERE id = %s AND status = 'open'",
            (key, quote_id),
        )

    def stuck(self, older_than_seconds: int, limit: int) -> list[Quote]:
        """Quotes claimed (`executing`) longer ago than that, by the database's clock, oldest first."""
        return rows_as(Quote, self.connection.execute(
            "SELECT * FROM fx_quotes WHERE status = 'executing' "
            "AND claimed_at < now() - make_interval(secs => %s) ORDER BY claimed_at LIMIT %s",
            (older_than_seconds, limit),
        ).fetchall())

    def finish(self, quote_id: UUID, status: str, transaction_id: UUID | None, result_status: int,
               result_body: dict[str, Any]) -> None:
        self.connection.execute(
            "UPDATE fx_quotes SET status = %s, ledger_transaction_id = %s, result_status = %s, result_body = %s, "
            "finished_at = now() WHERE id = %s AND status = 'executing'",
            (status, transaction_id, result_status, json.dumps(result_body, default=str), quote_id),
        )
