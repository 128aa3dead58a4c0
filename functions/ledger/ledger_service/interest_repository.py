"""SQL of the closing balances interest is computed on (psycopg 3, explicit and parametrised)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from bank_shared.db import Repository


class InterestRepository(Repository):
    def balance_before(self, account_id: UUID, day: date) -> int:
        """The sum of the account's postings before `day` 00:00 UTC."""
        row = self.connection.execute(
            "SELECT coalesce(sum(amount), 0) AS total FROM postings "
            "WHERE account_id = %s AND created_at < (%s::date)::timestamp AT TIME ZONE 'UTC'",
            (account_id, day)).fetchone()
        return int(row["total"]) if row else 0

    def daily_moves(self, account_id: UUID, first: date, last: date) -> dict[date, int]:
        """Net postings per UTC day from `first` to `last`."""
        rows = self.connection.execute(
            "SELECT (created_at AT TIME ZONE 'UTC')::date AS day, sum(amount) AS total FROM postings "
            "WHERE account_id = %s AND created_at >= (%s::date)::timestamp AT TIME ZONE 'UTC' "
            "AND created_at < ((%s::date) + 1)::timestamp AT TIME ZONE 'UTC' GROUP BY 1",
            (account_id, first, last)).fetchall()
        return {row["day"]: int(row["total"]) for row in rows}
