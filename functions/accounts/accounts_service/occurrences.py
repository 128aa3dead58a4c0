"""When a standing order falls due: pure date arithmetic (no I/O), shared by the API and the sweeper.

Occurrences are numbered 0, 1, 2, … from the start date; occurrence `seq` has one date, always the same, so
the pair (order id, seq) names one payment for ever and its Idempotency-Key at the ledger is derived from it.

- `once`: occurrence 0 on the start date only.
- `weekly`: the start date, then every 7 days.
- `monthly` on day N: the first day N on or after the start date, then day N of each following month; in a
  month with fewer than N days it is that month's last day (31 → 30 April, 28/29 February), and the next
  month goes back to day N.

An order ends after `max_count` occurrences or with the last one on or before `end_date`, whichever is first.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from uuid import UUID

Frequency = Literal["once", "weekly", "monthly"]


@dataclass(frozen=True)
class Recurrence:
    frequency: Frequency
    start_date: date
    day_of_month: int | None = None
    end_date: date | None = None
    max_count: int | None = None


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _unbounded_date(rule: Recurrence, seq: int) -> date:
    if rule.frequency == "weekly":
        return rule.start_date + timedelta(days=7 * seq)
    if rule.frequency == "monthly":
        day = rule.day_of_month or rule.start_date.day
        first = _month_day(rule.start_date.year, rule.start_date.month, day)
        offset = 0 if first >= rule.start_date else 1
        year, month = _add_months(rule.start_date.year, rule.start_date.month, seq + offset)
        return _month_day(year, month, day)
    return rule.start_date


def occurrence_date(rule: Recurrence, seq: int) -> date | None:
    """The date of occurrence `seq`, or None when the order has no such occurrence."""
    if seq < 0 or (rule.frequency == "once" and seq > 0):
        return None
    if rule.max_count is not None and seq >= rule.max_count:
        return None
    when = _unbounded_date(rule, seq)
    if rule.end_date is not None and when > rule.end_date:
        return None
    return when


def due_through(rule: Recurrence, next_seq: int, today: date, limit: int) -> list[tuple[int, date]]:
    """Occurrences from `next_seq` on whose date is on or before `today` (at most `limit` of them)."""
    found: list[tuple[int, date]] = []
    seq = next_seq
    while len(found) < limit:
        when = occurrence_date(rule, seq)
        if when is None or when > today:
            break
        found.append((seq, when))
        seq += 1
    return found


def occurrence_key(order_id: UUID, seq: int, when: date) -> str:
    """The Idempotency-Key of one occurrence at the ledger or utilities: the same on every attempt."""
    return f"standing-order:{order_id}:{seq}:{when.isoformat()}"
