"""Interest on a savings account closed mid-month, on accounts' real schema (migration 0005): the close pays in
the finished month under its month key and the closing month so far under its close key, marks those days
settled, pays nothing on a second close, and — the close refused, the account left open — the month's later
capitalization pays only the days after the close. The ledger is a recording fake of its interest routes."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from accounts_service import savings, savings_close
from accounts_service.repository import AccountsRepository
from bank_shared.db import UnitOfWork, connect
from bank_shared.http import Answer
from bank_shared.migrations import upgrade_head
from tests.support.scratch_db import Scratch, scratch  # noqa: F401  (the fixture)

OPENED = date(2024, 1, 20)
BALANCE = 100_000_000  # 1 000 000.00 RUB every day: 136.61 a day at 5 % in 2024 (366 days)


@dataclass
class RecordingLedger:
    posted: dict[str, int] = field(default_factory=dict)

    def closing_balances(self, account_id: UUID, first: date, last: date) -> dict[date, int]:
        return {first + timedelta(days=i): BALANCE for i in range((last - first).days + 1)}

    def post(self, key: str, body: dict[str, Any]) -> Answer:
        self.posted.setdefault(key, int(Decimal(body["amount"]) * 100))
        return Answer(201, {"transaction_id": key})


@pytest.fixture
def accounts_url(scratch: Callable[[], Scratch], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: F811
    url = scratch().url
    upgrade_head("accounts", url)
    connection = connect(url)
    for module in (savings, savings_close):
        monkeypatch.setattr(module, "UnitOfWork", lambda: UnitOfWork(connection))
    yield url
    connection.close()


def new_savings_account(url: str) -> UUID:
    account_id = uuid.uuid4()
    number = "42301810" + "".join(random.choices("0123456789", k=12))
    with connect(url) as connection, UnitOfWork(connection) as uow:
        AccountsRepository(uow.connection).insert_account(account_id, number, uuid.uuid4(), "savings", "RUB", "test")
        uow.connection.execute("UPDATE accounts SET opened_at = %s WHERE id = %s",
                               (datetime.combine(OPENED, datetime.min.time(), UTC), account_id))
    return account_id


def rows(url: str, sql: str, *params: Any) -> list[Any]:
    with connect(url) as connection:
        return connection.execute(sql, params).fetchall()


def test_close_mid_month_pays_once_and_the_month_pays_only_the_rest(accounts_url: str) -> None:
    account_id = new_savings_account(accounts_url)
    ledger = RecordingLedger()
    day = 13_661  # 1 000 000.00 * 0.05 / 366, half-even

    paid = savings_close.settle_on_close(ledger, account_id, "RUB", date(2024, 2, 10))
    assert paid == 9 * day  # 1..9 February
    assert ledger.posted[f"interest:capitalize:{account_id}:2024-01"] == 12 * day  # 20..31 January
    assert ledger.posted[f"interest:close:{account_id}:2024-02-09"] == 9 * day
    settled = rows(accounts_url, "SELECT day, settled_through FROM savings_accruals WHERE account_id = %s "
                                 "AND settled_through IS NOT NULL ORDER BY day", account_id)
    assert [r["day"] for r in settled] == [date(2024, 2, d) for d in range(1, 10)]
    assert savings_close.settle_on_close(ledger, account_id, "RUB", date(2024, 2, 10)) == 0  # idempotent
    assert len(ledger.posted) == 21 + 2  # 21 days accrued (20 Jan .. 9 Feb), one month, one close: nothing twice

    # the close was refused (money left on the account): it stays open, the sweeps go on into March
    savings.sweep(ledger, date(2024, 3, 1))
    assert ledger.posted[f"interest:capitalize:{account_id}:2024-02"] == 20 * day  # 10..29 February only
    months = rows(accounts_url, "SELECT month, amount FROM savings_capitalizations WHERE account_id = %s "
                                "ORDER BY month", account_id)
    assert [(r["month"], r["amount"]) for r in months] == [(date(2024, 1, 1), 12 * day), (date(2024, 2, 1), 20 * day)]
