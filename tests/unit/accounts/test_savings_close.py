"""Interest on a savings account closed before its month is capitalized (accounts_service.savings_close): over any
balances, any sweeps before, any closing day and a close retried (or refused, the account staying open and the
sweeps going on), every accrued day is paid into the account exactly once — at the close or by its month's
capitalization — and the close pays exactly what was accrued and not yet paid in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_savings_interest import OPENED, FakeLedger, FakeSavings, FakeUnitOfWork, closed_form

from accounts_service import savings, savings_close

RATE = Decimal("0.05")


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Any:
    def _install(store: FakeSavings) -> None:
        for module in (savings, savings_close):
            monkeypatch.setattr(module, "SavingsRepository", lambda _connection: store)
            monkeypatch.setattr(module, "UnitOfWork", FakeUnitOfWork)
    return _install


def paid_in(ledger: FakeLedger) -> int:
    return sum(v for k, v in ledger.posted.items() if ":capitalize:" in k or ":close:" in k)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=90), st.integers(0, 60), st.integers(1, 90),
       st.integers(0, 40))
def test_every_day_is_paid_in_once_whether_closed_or_not(install: Any, daily: list[int], swept: int, close: int,
                                                         later: int) -> None:
    store = FakeSavings([{"product_code": "savings", "effective_from": date(2000, 1, 1), "annual_rate": RATE}])
    install(store)
    daily = daily + [0] * (close + later + 1)  # the ledger knows every day's closing balance
    days = [OPENED + timedelta(days=i) for i in range(len(daily))]
    ledger = FakeLedger(dict(zip(days, daily, strict=True)))
    savings.sweep(ledger, OPENED + timedelta(days=min(swept, close)))  # the sweeps before the closing day
    closing = OPENED + timedelta(days=close)
    first = savings_close.settle_on_close(ledger, store.account["id"], "RUB", closing)
    again = savings_close.settle_on_close(ledger, store.account["id"], "RUB", closing)
    expected = {d: closed_form(b, RATE, d) for d, b in zip(days, daily, strict=True)}
    through_close = sum(v for d, v in expected.items() if d < closing)
    assert again == 0  # bug: a retried close pays twice
    assert paid_in(ledger) == through_close  # bug: interest lost or paid twice at close
    assert first == through_close - sum(store.capitalized.values())
    # the close refused (a balance left): the account stays open and the sweeps go on
    end = closing + timedelta(days=later)
    savings.sweep(ledger, end)
    savings.sweep(ledger, end)
    assert paid_in(ledger) == sum(v for d, v in expected.items()
                                  if d < closing or (d < end.replace(day=1) and d in store.accruals))


def test_closing_mid_month_pays_the_month_so_far_under_one_key(install: Any) -> None:
    store = FakeSavings([{"product_code": "savings", "effective_from": date(2000, 1, 1), "annual_rate": RATE}])
    install(store)
    days = [OPENED + timedelta(days=i) for i in range(30)]  # 20 Jan .. 18 Feb
    ledger = FakeLedger(dict.fromkeys(days, 100_000_000))
    paid = savings_close.settle_on_close(ledger, store.account["id"], "RUB", date(2024, 2, 10))
    january = sum(store.accruals[d]["amount"] for d in days if d.month == 1)
    february = sum(store.accruals[d]["amount"] for d in days if d.month == 2 and d < date(2024, 2, 10))
    assert ledger.posted[f"interest:capitalize:{store.account['id']}:2024-01"] == january  # the month's own key
    assert ledger.posted[f"interest:close:{store.account['id']}:2024-02-09"] == february == paid
    assert max(store.accruals) == date(2024, 2, 9)  # accrued through the day before the closing day
