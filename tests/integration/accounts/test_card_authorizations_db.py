"""Card authorizations against a scratch accounts database on the stack's PostgreSQL (the real SQL: the card's
row lock, what was spent today and this month, the conditional state moves, the sweep's query), with fakes for
the ledger and fx: concurrent purchases never pass the daily limit together, a repeated RRN is one row and one
hold, clearing and expiry move each row once, and the purchases list carries merchant and category."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from accounts_service import card_clients, card_limits, card_service, card_settlement, ledger_client
from accounts_service.card_service import FollowUp, Purchase
from accounts_service.repository import AccountsRepository
from bank_shared.auth import Principal
from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.migrations import upgrade_head
from tests.support.card_fakes import FakeLedger, FakeRates, FakeRegistry
from tests.support.scratch_db import Scratch, scratch


@pytest.fixture
def accounts_url(scratch: Callable[[], Scratch]) -> str:
    """A scratch database at the accounts service's head: the sweep's query sees this test's rows only."""
    url = scratch().url
    upgrade_head("accounts", url)
    return url


@pytest.fixture
def ledger(accounts_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLedger]:
    local = threading.local()
    opened: list[Connection] = []

    def unit_of_work() -> UnitOfWork:  # one connection per thread, as each Lambda worker has its own
        if not hasattr(local, "connection"):
            local.connection = connect(accounts_url)
            opened.append(local.connection)
        return UnitOfWork(local.connection)

    for module in (card_service, card_settlement):
        monkeypatch.setattr(module, "UnitOfWork", unit_of_work)
    monkeypatch.setattr(card_settlement, "_registered", set())
    fake = FakeLedger(available=1_000_000)
    card_clients.set_card_clients(fake, FakeRates())
    ledger_client.set_ledger(FakeRegistry())  # type: ignore[arg-type]
    yield fake
    card_clients.set_card_clients(None, None)
    ledger_client.set_ledger(None)
    for connection in opened:
        connection.close()


def new_card(accounts_url: str, owner: UUID, daily: int | None = None) -> UUID:
    account_id, card_id = uuid.uuid4(), uuid.uuid4()
    number = "40817810" + "".join(random.choices("0123456789", k=12))
    with connect(accounts_url) as connection, UnitOfWork(connection) as uow:
        repository = AccountsRepository(uow.connection)
        repository.insert_account(account_id, number, owner, "current", "RUB", "test")
        repository.insert_card(card_id, account_id, uuid.uuid4().hex + uuid.uuid4().hex, "1234", "220099", 12,
                               datetime.now(UTC).year + 2)
        uow.connection.execute("INSERT INTO card_limits (card_id, daily, updated_by) VALUES (%s, %s, 'test')",
                               (card_id, daily))
    return card_id


def rrn() -> str:
    return f"{random.randrange(10**12):012d}"


def buy(card_id: UUID, reference: str, amount: str, merchant: str = "Shop") -> dict[str, Any]:
    return card_service.authorize(Purchase("000001", reference, card_id, amount, "RUB", "5411", "pos", merchant))


def test_concurrent_purchases_never_pass_the_daily_limit_together(accounts_url: str, ledger: FakeLedger) -> None:
    card_id = new_card(accounts_url, uuid.uuid4(), daily=100_000)  # 1000.00 RUB a day
    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda _: buy(card_id, rrn(), "300.00"), range(5)))
    codes = sorted(answer["response_code"] for answer in answers)
    assert codes == ["00", "00", "00", "61", "61"]
    assert len(ledger.holds) == 3


def test_a_repeated_rrn_is_one_row_and_one_hold(accounts_url: str, ledger: FakeLedger) -> None:
    card_id, reference = new_card(accounts_url, uuid.uuid4()), rrn()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: buy(card_id, reference, "10.00"), range(4)))
    assert {answer["auth_code"] for answer in answers} == {answers[0]["auth_code"]}
    assert len(ledger.holds) == 1


def test_clearing_expiry_and_the_purchases_list(accounts_url: str, ledger: FakeLedger,
                                                connection_factory: Callable[[], Connection]) -> None:
    owner = uuid.uuid4()
    card_id = new_card(accounts_url, owner)
    cleared, expiring = rrn(), rrn()
    assert buy(card_id, cleared, "100.00", "Azbuka Vkusa")["response_code"] == "00"
    assert buy(card_id, expiring, "50.00")["response_code"] == "00"
    assert card_settlement.clear(FollowUp("000002", cleared, "60.00", "RUB"))["billed_amount"] == "60.00"
    with connection_factory() as connection:
        connection.execute("UPDATE card_authorizations SET expires_at = now() - interval '1 second' "
                           "WHERE rrn = %s", (expiring,))
    assert card_settlement.sweep(card_settlement.UnitOfWork) == 1
    assert ledger.captured == [6000] and ledger.available == 1_000_000 - 6000
    customer = Principal(str(owner), frozenset({"customer"}), frozenset(), {})
    with connection_factory() as connection, UnitOfWork(connection) as uow:
        items = {item["rrn"]: item for item in card_limits.purchases(uow, customer, card_id, 10)}
    assert (items[cleared]["status"], items[cleared]["billed_amount"]) == ("cleared", "60.00")
    assert items[cleared]["merchant"]["name"] == "Azbuka Vkusa" and items[cleared]["category"]["code"] == "groceries"
    assert items[expiring]["status"] == "expired" and not items[expiring]["pending"]


@pytest.fixture
def connection_factory(accounts_url: str) -> Callable[[], Connection]:
    return lambda: connect(accounts_url)


__all__ = ["scratch"]
