"""The ledger's exchange transaction against the stack's ledger database: four postings through the FX
position accounts, each currency still summing to zero, the rate and amounts recorded, one exchange per
quote, ownership, and insufficient funds refused without a trace in the balances."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from bank_shared.auth import Principal
from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.errors import AppError
from bank_shared.events import outbox
from bank_shared.migrations import upgrade_head
from ledger_service import currency_exchange
from tests.integration.ledger.support import assert_ledger_consistent, balances, open_account
from tests.support.stack import database_url

FX = Principal("fx", frozenset({"service"}), frozenset(), {})


@pytest.fixture(scope="module")
def ledger_url() -> str:
    url = database_url("ledger")
    upgrade_head("ledger", url)
    return url


@pytest.fixture
def connection(ledger_url: str) -> Iterator[Connection]:
    conn = connect(ledger_url)
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def no_inline_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)


def order(owner: UUID, source: UUID, target: UUID, sell: int = 10_00, buy: int = 8_59,
          quote_id: UUID | None = None) -> currency_exchange.ExchangeOrder:
    return currency_exchange.ExchangeOrder(quote_id or uuid.uuid4(), owner, source, target, sell, "USD", buy, "EUR",
                                 Decimal("0.85939145"), "test exchange")


def position(connection: Connection, currency: str) -> int:
    row = connection.execute("SELECT balance FROM ledger_accounts WHERE system_code = %s",
                             (f"fx_position:{currency}",)).fetchone()
    assert row is not None
    return int(row["balance"])


def run(connection: Connection, exchange_order: currency_exchange.ExchangeOrder, key: str | None = None) -> Any:
    with UnitOfWork(connection) as uow:
        return currency_exchange.exchange(uow, FX, key or str(uuid.uuid4()), exchange_order)


def test_exchange_posts_through_the_fx_positions(connection: Connection) -> None:
    owner = uuid.uuid4()
    usd = open_account(connection, owner, "USD", funded=100_00)
    eur = open_account(connection, owner, "EUR")
    before = {c: position(connection, c) for c in ("USD", "EUR")}
    result = run(connection, order(owner, usd, eur))
    assert result.status == 201, result.body
    assert result.body["sell"] == {"amount": "10.00", "currency": "USD"}
    assert result.body["buy"] == {"amount": "8.59", "currency": "EUR"}
    found = balances(connection, [usd, eur])
    assert (found[usd]["balance"], found[eur]["balance"]) == (90_00, 8_59)
    assert position(connection, "USD") - before["USD"] == 10_00
    assert position(connection, "EUR") - before["EUR"] == -8_59
    postings = connection.execute(
        "SELECT currency, sum(amount) AS total, count(*) AS n FROM postings WHERE transaction_id = %s "
        "GROUP BY currency ORDER BY currency", (result.body["transaction_id"],)).fetchall()
    assert postings == [{"currency": "EUR", "total": 0, "n": 2}, {"currency": "USD", "total": 0, "n": 2}]
    details = connection.execute("SELECT rate, sell_amount, buy_amount FROM exchange_details "
                                 "WHERE transaction_id = %s", (result.body["transaction_id"],)).fetchone()
    assert details == {"rate": Decimal("0.859391450000"), "sell_amount": 10_00, "buy_amount": 8_59}
    assert_ledger_consistent(connection)


def test_replay_and_one_exchange_per_quote(connection: Connection) -> None:
    owner = uuid.uuid4()
    usd, eur = open_account(connection, owner, "USD", funded=100_00), open_account(connection, owner, "EUR")
    the_order = order(owner, usd, eur)
    key = str(uuid.uuid4())
    first = run(connection, the_order, key)
    assert run(connection, the_order, key).replayed
    with pytest.raises(AppError) as raised:
        run(connection, the_order)
    assert raised.value.code == "quote_already_exchanged"
    assert balances(connection, [usd])[usd]["balance"] == 90_00
    assert first.status == 201


def test_insufficient_funds_is_a_stored_refusal(connection: Connection) -> None:
    owner = uuid.uuid4()
    usd, eur = open_account(connection, owner, "USD", funded=5_00), open_account(connection, owner, "EUR")
    result = run(connection, order(owner, usd, eur))
    assert result.status == 422 and result.body["code"] == "insufficient_funds"
    assert balances(connection, [usd, eur])[eur]["balance"] == 0


def test_both_accounts_must_be_the_owners_and_in_the_quoted_currencies(connection: Connection) -> None:
    owner = uuid.uuid4()
    usd = open_account(connection, owner, "USD", funded=100_00)
    foreign_eur = open_account(connection, uuid.uuid4(), "EUR")
    rub = open_account(connection, owner, "RUB")
    for bad, code in ((order(owner, usd, foreign_eur), "account_not_found"),
                      (order(owner, usd, rub), "currency_mismatch"),
                      (order(owner, usd, usd), "same_account")):
        with pytest.raises(AppError) as raised:
            run(connection, bad)
        assert raised.value.code == code
    assert balances(connection, [usd])[usd]["balance"] == 100_00
