"""Quotes and the two-step exchange against the stack's fx database, with fakes for accounts, the ledger
and the rates: expiry, reuse, refusals recorded, idempotent replays, retries after a ledger outage, and
fx.exchanged in the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.errors import AppError, DependencyUnavailable
from bank_shared.events import outbox
from bank_shared.http import Answer
from bank_shared.internal_models import AccountInfo
from bank_shared.migrations import upgrade_head
from fx_service import exchange
from fx_service.rate_source import MidRate
from tests.support.stack import database_url

OWNER = uuid.uuid4()


class FakeAccounts:
    def __init__(self) -> None:
        self.known: dict[UUID, AccountInfo] = {}

    def add(self, currency: str, owner: UUID = OWNER, status: str = "active") -> UUID:
        account_id = uuid.uuid4()
        self.known[account_id] = AccountInfo(account_id, owner, currency, status)
        return account_id

    def accounts(self, account_ids: list[UUID]) -> dict[UUID, AccountInfo]:
        return {a: self.known[a] for a in account_ids if a in self.known}


class FakeLedger:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answer: Answer | Exception = Answer(201, {"transaction_id": str(uuid.uuid4()),
                                                                   "created_at": "2026-11-26T10:00:00Z"})

    def exchange(self, key: str, order: dict[str, Any]) -> Answer:
        self.calls.append((key, order))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class FixedRates:
    def mid_rate(self, sell_currency: str, buy_currency: str) -> MidRate:
        return MidRate(Decimal("0.86371"), date(2026, 11, 25), "test", False)


@pytest.fixture(scope="module")
def fx_url() -> str:
    url = database_url("fx")
    upgrade_head("fx", url)
    return url


@pytest.fixture
def connection(fx_url: str) -> Iterator[Connection]:
    conn = connect(fx_url)
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def no_inline_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)


@pytest.fixture
def accounts() -> FakeAccounts:
    return FakeAccounts()


@pytest.fixture
def ledger() -> FakeLedger:
    return FakeLedger()


PRICING = exchange.Pricing(FixedRates(), 50, 30)


def quote(connection: Connection, accounts: FakeAccounts, *, amount: str = "10.00", currency: str = "USD",
          now: datetime | None = None, key: str | None = None) -> dict[str, Any]:
    usd, eur = accounts.add("USD"), accounts.add("EUR")
    request = exchange.QuoteRequest(OWNER, usd, eur, amount, currency)
    return exchange.create_quote(lambda: UnitOfWork(connection), request, accounts, PRICING, key, now).body


def run(connection: Connection, ledger: FakeLedger, quote_id: str, key: str, *, owner: UUID = OWNER,
        now: datetime | None = None) -> exchange.IdempotentResult:
    factory: Callable[[], UnitOfWork] = lambda: UnitOfWork(connection)  # noqa: E731
    return exchange.execute(factory, owner, UUID(quote_id), key, ledger, now)


def code(call: Callable[[], Any]) -> str:
    with pytest.raises(AppError) as raised:
        call()
    return raised.value.code


def test_quote_is_stored_priced_and_expires_in_30_s(connection: Connection, accounts: FakeAccounts) -> None:
    body = quote(connection, accounts)
    assert body["sell"] == {"amount": "10.00", "currency": "USD"}
    assert body["buy"] == {"amount": "8.59", "currency": "EUR"}
    assert (body["rate"], body["mid_rate"], body["spread_bps"]) == ("0.85939145", "0.86371", 50)
    created = datetime.fromisoformat(body["created_at"])
    assert datetime.fromisoformat(body["expires_at"]) - created == timedelta(seconds=30)
    stored = connection.execute("SELECT status, sell_amount, buy_amount FROM fx_quotes WHERE id = %s",
                                (body["id"],)).fetchone()
    assert stored == {"status": "open", "sell_amount": 1000, "buy_amount": 859}


def test_quote_checks(connection: Connection, accounts: FakeAccounts) -> None:
    usd, eur, usd2 = accounts.add("USD"), accounts.add("EUR"), accounts.add("USD")
    foreign, closed = accounts.add("EUR", owner=uuid.uuid4()), accounts.add("EUR", status="closed")

    def attempt(source: UUID, target: UUID, currency: str = "USD") -> str:
        request = exchange.QuoteRequest(OWNER, source, target, "1.00", currency)
        return code(lambda: exchange.create_quote(lambda: UnitOfWork(connection), request, accounts, PRICING))

    assert attempt(usd, foreign) == "account_not_found"
    assert attempt(usd, uuid.uuid4()) == "account_not_found"
    assert attempt(usd, closed) == "account_closed"
    assert attempt(usd, usd2) == "same_currency"
    assert attempt(usd, usd) == "same_account"
    assert attempt(usd, eur, "GBP") == "currency_mismatch"


def test_quote_with_a_key_is_replayed(connection: Connection, accounts: FakeAccounts) -> None:
    usd, eur = accounts.add("USD"), accounts.add("EUR")
    request = exchange.QuoteRequest(OWNER, usd, eur, "5.00", "EUR")
    key = str(uuid.uuid4())
    first = exchange.create_quote(lambda: UnitOfWork(connection), request, accounts, PRICING, key)
    again = exchange.create_quote(lambda: UnitOfWork(connection), request, accounts, PRICING, key)
    assert again.replayed and again.body["id"] == first.body["id"]
    assert first.body["buy"]["amount"] == "5.00" and first.body["fixed_side"] == "buy"


def test_exchange_executes_once_and_records_the_event(connection: Connection, accounts: FakeAccounts,
                                                      ledger: FakeLedger) -> None:
    body = quote(connection, accounts)
    key = str(uuid.uuid4())
    first = run(connection, ledger, body["id"], key)
    assert first.status == 201 and not first.replayed and first.body["status"] == "executed"
    replay = run(connection, ledger, body["id"], key)
    assert replay.replayed and replay.body == first.body
    assert len(ledger.calls) == 1
    ledger_key, order = ledger.calls[0]
    assert ledger_key == f"fx-quote-{body['id']}"
    assert order["sell"] == {"amount": "10.00", "currency": "USD"} and order["buy"]["amount"] == "8.59"
    assert order["rate"].startswith("0.85939145")
    assert code(lambda: run(connection, ledger, body["id"], str(uuid.uuid4()))) == "quote_already_used"
    event = connection.execute("SELECT topic, payload FROM outbox WHERE payload->'data'->>'quote_id' = %s",
                               (body["id"],)).fetchone()
    assert event is not None and event["topic"] == "fx.exchanged"
    assert event["payload"]["data"]["buy_amount_minor"] == 859


def test_same_key_for_another_quote_is_refused(connection: Connection, accounts: FakeAccounts,
                                               ledger: FakeLedger) -> None:
    key = str(uuid.uuid4())
    run(connection, ledger, quote(connection, accounts)["id"], key)
    assert code(lambda: run(connection, ledger, quote(connection, accounts)["id"], key)) == "idempotency_key_reused"


def test_expired_quote_is_refused(connection: Connection, accounts: FakeAccounts, ledger: FakeLedger) -> None:
    body = quote(connection, accounts, now=datetime.now(UTC) - timedelta(seconds=31))
    assert code(lambda: run(connection, ledger, body["id"], str(uuid.uuid4()))) == "quote_expired"
    assert ledger.calls == []


def test_another_customers_quote_is_not_found(connection: Connection, accounts: FakeAccounts,
                                              ledger: FakeLedger) -> None:
    body = quote(connection, accounts)
    assert code(lambda: run(connection, ledger, body["id"], "k", owner=uuid.uuid4())) == "quote_not_found"


def test_a_ledger_refusal_is_recorded_and_replayed(connection: Connection, accounts: FakeAccounts,
                                                   ledger: FakeLedger) -> None:
    ledger.answer = Answer(422, {"code": "insufficient_funds", "title": "Insufficient funds",
                                       "detail": "Available balance is below 10.00"}, replayed=False)
    body = quote(connection, accounts)
    key = str(uuid.uuid4())
    refused = run(connection, ledger, body["id"], key)
    assert refused.status == 422 and refused.body["code"] == "insufficient_funds"
    assert run(connection, ledger, body["id"], key).replayed
    status = connection.execute("SELECT status FROM fx_quotes WHERE id = %s", (body["id"],)).fetchone()
    assert status == {"status": "refused"}


def test_a_retry_after_a_ledger_outage_finishes_even_after_expiry(connection: Connection, accounts: FakeAccounts,
                                                                  ledger: FakeLedger) -> None:
    body = quote(connection, accounts)
    key = str(uuid.uuid4())
    ledger.answer = DependencyUnavailable("ledger is unreachable")
    assert code(lambda: run(connection, ledger, body["id"], key)) == "dependency_unavailable"
    ledger.answer = Answer(201, {"transaction_id": str(uuid.uuid4()), "created_at": "2026-11-26T10:00:00Z"})
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert code(lambda: run(connection, ledger, body["id"], "another-key", now=later)) == "quote_already_used"
    done = run(connection, ledger, body["id"], key, now=later)
    assert done.status == 201 and done.body["status"] == "executed"
    assert {k for k, _ in ledger.calls} == {f"fx-quote-{body['id']}"}
