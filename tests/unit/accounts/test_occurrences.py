"""Standing-order dates (accounts_service.occurrences): properties over any rule, and the documented cases."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from accounts_service.occurrences import Recurrence, due_through, occurrence_date, occurrence_key

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


def _all(rule: Recurrence, bound: int = 60) -> list[date]:
    found = [occurrence_date(rule, seq) for seq in range(bound)]
    return [d for d in found if d is not None]


@given(starts, st.integers(1, 31), st.integers(1, 40))
def test_monthly_falls_on_day_n_or_the_months_last_day(start: date, day: int, count: int) -> None:
    dates = _all(Recurrence("monthly", start, day, max_count=count))
    assert len(dates) == count
    assert dates[0] >= start and dates[0] - start < timedelta(days=62)
    for when in dates:
        assert when.day == min(day, calendar.monthrange(when.year, when.month)[1])
    months = [d.year * 12 + d.month for d in dates]
    assert months == list(range(months[0], months[0] + count))  # one per month, none skipped


@given(starts, st.integers(0, 400), st.sampled_from(["once", "weekly", "monthly"]), st.integers(1, 31))
def test_dates_increase_stay_in_bounds_and_never_change(start: date, span: int, frequency: str, day: int) -> None:
    end = start + timedelta(days=span)
    rule = Recurrence(frequency, start, day if frequency == "monthly" else None, end_date=end)  # type: ignore[arg-type]
    dates = _all(rule, 80)
    assert dates == sorted(set(dates))
    assert all(start <= d <= end for d in dates)
    assert dates == _all(rule, 80)
    if frequency == "once":
        assert dates == [start]


def test_the_documented_cases() -> None:
    rent = Recurrence("monthly", date(2025, 1, 31), 31)
    assert _all(rent, 4) == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert occurrence_date(Recurrence("monthly", date(2025, 1, 20), 5), 0) == date(2025, 2, 5)  # next month's 5th
    assert _all(Recurrence("weekly", date(2025, 1, 1), max_count=3)) == [date(2025, 1, 1), date(2025, 1, 8),
                                                                         date(2025, 1, 15)]
    assert _all(Recurrence("monthly", date(2025, 1, 10), 10, end_date=date(2025, 1, 9))) == []


@given(starts, st.integers(1, 31), st.lists(st.integers(0, 90), min_size=1, max_size=12))
def test_due_through_over_any_sweep_days_yields_each_occurrence_once(start: date, day: int,
                                                                     steps: list[int]) -> None:
    rule = Recurrence("monthly", start, day, max_count=10)
    next_seq, seen, today = 0, [], start
    for step in steps:  # 0: the same day again (a retry); large: an outage
        today += timedelta(days=step)
        due = due_through(rule, next_seq, today, 100)
        seen += [seq for seq, _ in due]
        next_seq += len(due)
    expected = [seq for seq in range(10) if (d := occurrence_date(rule, seq)) is not None and d <= today]
    assert seen == expected


def test_the_key_names_one_occurrence() -> None:
    order = uuid.uuid4()
    assert occurrence_key(order, 3, date(2025, 4, 30)) == occurrence_key(order, 3, date(2025, 4, 30))
    assert occurrence_key(order, 3, date(2025, 4, 30)) != occurrence_key(order, 4, date(2025, 5, 31))
    assert occurrence_key(order, 0, date(2025, 1, 1)) != occurrence_key(uuid.uuid4(), 0, date(2025, 1, 1))
