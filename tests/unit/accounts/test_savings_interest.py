"""Savings interest (accounts_service.interest_math, accounts_service.savings): over any sequence of end-of-day
balances, rates and sweep days (with missed days), the interest accrued equals the closed form
sum(round_half_even(balance * rate / days_in_year)) — Python's exact `round(Fraction)` is the reference — each day
is accrued once, and each finished month is capitalized once with exactly the sum of its days."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts_service import savings
from accounts_service.interest_math import daily_interest, round_half_even
from accounts_service.savings_repository import AccountToAccrue, MonthToCapitalize, SavingsRate, Unsettled
from bank_shared.http import Answer

OPENED = date(2024, 1, 20)  # 2024 is a leap year: 366 days
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("0.25"), places=6)
balances = st.integers(min_value=-10**7, max_value=10**13)


def closed_form(balance: int, rate: Decimal, day: date) -> int:
    if balance <= 0:
        return 0
    days = 366 if calendar.isleap(day.year) else 365
    return round(Fraction(balance) * Fraction(rate) / days)  # Fraction rounds half to even


@given(balances, rates, st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_one_day_is_the_closed_form(balance: int, rate: Decimal, day: date) -> None:
    assert daily_interest(balance, rate, day) == closed_form(balance, rate, day)


def test_ties_go_to_the_even_neighbour() -> None:
    assert [round_half_even(n, 2) for n in (1, 3, 5, 7)] == [0, 2, 2, 4]
    assert daily_interest(365, Decimal("0.5"), date(2025, 1, 1)) == 0  # 0.5 → 0
    assert daily_interest(3 * 365, Decimal("0.5"), date(2025, 1, 1)) == 2  # 1.5 → 2
    assert daily_interest(1_000_000_00, Decimal("0.05"), date(2025, 6, 1)) == 136_99  # 1 000 000 RUB: 136.99 a day


class FakeSavings:
    """The savings tables in memory, with the SQL's semantics (one row per (account, day) and (account, month))."""

    def __init__(self, rate_rows: list[dict[str, Any]]) -> None:
        self.account = {"id": uuid.uuid4(), "currency": "RUB", "product_code": "savings",
                        "opened_at": datetime.combine(OPENED, datetime.min.time(), UTC)}
        self.rate_rows = [SavingsRate(**row, set_by="test") for row in rate_rows]
        self.accruals: dict[date, dict[str, Any]] = {}
        self.capitalized: dict[date, int] = {}

    def rates(self, product_code: str | None = None) -> list[SavingsRate]:
        return self.rate_rows

    def accounts_to_accrue(self, through: date, limit: int, account_id: UUID | None = None) -> list[AccountToAccrue]:
        last = max(self.accruals, default=None)
        due = through >= OPENED and (last is None or last < through)
        return [AccountToAccrue(**self.account, last_day=last)] if due else []

    def insert_accrual(self, account_id: UUID, day: date, balance: int, rate: Decimal, amount: int,
                       transaction_id: str | None) -> None:
        self.accruals.setdefault(day, {"amount": amount, "balance": balance, "settled": None})

    def months_to_capitalize(self, before: date, limit: int,
                             account_id: UUID | None = None) -> list[MonthToCapitalize]:
        months: dict[date, list[date]] = {}
        for day in self.accruals:
            if day < before:
                months.setdefault(day.replace(day=1), []).append(day)
        due = []
        for month, days in sorted(months.items()):
            last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            if month not in self.capitalized and max(days) == last:
                due.append(MonthToCapitalize(self.account["id"], "RUB", month,
                                             sum(self.accruals[d]["amount"] for d in days
                                                 if self.accruals[d]["settled"] is None)))
        return due

    def insert_capitalization(self, account_id: UUID, month: date, amount: int, transaction_id: str | None) -> None:
        self.capitalized.setdefault(month, amount)

    def _open(self, through: date) -> list[date]:
        return [d for d, row in self.accruals.items()
                if d <= through and row["settled"] is None and d.replace(day=1) not in self.capitalized]

    def unsettled(self, account_id: UUID, through: date) -> Unsettled:
        days = self._open(through)
        return Unsettled(sum(self.accruals[d]["amount"] for d in days), max(days, default=None))

    def mark_settled(self, account_id: UUID, through: date) -> None:
        for day in self._open(through):
            self.accruals[day]["settled"] = through


@dataclass
class FakeLedger:
    closing: dict[date, int]
    posted: dict[str, int] = field(default_factory=dict)

    def closing_balances(self, account_id: UUID, first: date, last: date) -> dict[date, int]:
        return {d: b for d, b in self.closing.items() if first <= d <= last}

    def post(self, key: str, body: dict[str, Any]) -> Answer:
        if key not in self.posted:
            self.posted[key] = int(Decimal(body["amount"]) * 100)
        return Answer(201, {"transaction_id": key})


class FakeUnitOfWork:
    connection = None

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *_: object) -> None:
        return None


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Any:
    def _install(store: FakeSavings) -> None:
        monkeypatch.setattr(savings, "SavingsRepository", lambda _connection: store)
        monkeypatch.setattr(savings, "UnitOfWork", FakeUnitOfWork)
    return _install


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(balances, min_size=1, max_size=80), rates, rates,
       st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_accrual_over_any_balances_and_sweeps_is_the_closed_form(install: Any, daily: list[int], rate: Decimal,
                                                                 new_rate: Decimal, steps: list[int]) -> None:
    change = OPENED + timedelta(days=len(daily) // 2)
    store = FakeSavings([{"product_code": "savings", "effective_from": date(2000, 1, 1), "annual_rate": rate},
                         {"product_code": "savings", "effective_from": change, "annual_rate": new_rate}])
    install(store)
    days = [OPENED + timedelta(days=i) for i in range(len(daily))]
    ledger = FakeLedger(dict(zip(days, daily, strict=True)))
    today = OPENED
    for step in steps:  # sweeps on some days, with gaps (missed days) and repeats (retries)
        today += timedelta(days=step)
        savings.sweep(ledger, today)
    final = days[-1] + timedelta(days=1)
    savings.sweep(ledger, final)
    savings.sweep(ledger, final)

    expected = {d: closed_form(b, rate if d < change else new_rate, d) for d, b in zip(days, daily, strict=True)}
    assert {d: row["amount"] for d, row in store.accruals.items()} == expected  # every day once, exactly
    assert sum(ledger.posted[k] for k in ledger.posted if ":accrue:" in k) == sum(expected.values())
    for month, amount in store.capitalized.items():
        assert amount == sum(v for d, v in expected.items() if d.replace(day=1) == month)
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        assert last in expected and last < final.replace(day=1)


def test_a_month_is_capitalized_once_after_it_ends(install: Any) -> None:
    store = FakeSavings([{"product_code": "savings", "effective_from": date(2000, 1, 1),
                          "annual_rate": Decimal("0.05")}])
    install(store)
    days = [OPENED + timedelta(days=i) for i in range(20)]  # 20 Jan .. 8 Feb
    ledger = FakeLedger(dict.fromkeys(days, 100000000))
    savings.sweep(ledger, date(2024, 1, 31))  # January not over: accrued through the 30th, nothing paid in
    assert store.capitalized == {}
    savings.sweep(ledger, date(2024, 2, 9))
    savings.sweep(ledger, date(2024, 2, 9))
    january = sum(store.accruals[d]["amount"] for d in days if d.month == 1)
    assert store.capitalized == {date(2024, 1, 1): january}
    assert ledger.posted[f"interest:capitalize:{store.account['id']}:2024-01"] == january
