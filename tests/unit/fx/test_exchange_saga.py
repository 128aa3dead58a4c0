"""The currency-exchange saga in the fast tier: fx's use cases over an in-memory quote store, the ledger behind
its client is the ledger's own exchange use case over an in-memory ledger. Each step: claim (owner only, once,
not after expiry), the ledger's exchange (once per quote, replayed under fx-quote-<id>), finish (recorded once,
fx.exchanged with it); a claimed quote a crash left behind is finished by the schedule. Each names its bug."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from bank_shared.errors import DependencyUnavailable, IdempotencyKeyReused, IdempotencyRequestInFlight
from bank_shared.http import Answer
from fx_service import exchange
from fx_service.repository import QuoteRepository
from ledger_service import currency_exchange, postings
from ledger_service.repository import LedgerRepository
from tests.support.fakes import FakeDatabase, install
from tests.support.fakes.fx import ExchangesOverFakes, InMemoryQuotes, quote_row
from tests.support.fakes.ledger import InMemoryLedger

ANN, BOB = uuid.uuid4(), uuid.uuid4()
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@dataclass
class Desk:
    db: FakeDatabase
    quotes: InMemoryQuotes
    ledger: InMemoryLedger
    client: ExchangesOverFakes
    rubles: UUID
    dollars: UUID

    def quote(self, sell: int = 100_000, expires_in: int = 30) -> UUID:
        quote_id = uuid.uuid4()
        self.quotes.add(quote_row(quote_id, ANN, self.rubles, self.dollars, sell, sell // 100,
                                  NOW + timedelta(seconds=expires_in), NOW))
        return quote_id

    def execute(self, quote_id: UUID, key: str = "x-1", owner: UUID = ANN, now: datetime = NOW) -> Any:
        return exchange.execute(self.db.unit_of_work, owner, quote_id, key, self.client, now)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Desk:
    db, ledger_db = FakeDatabase(), FakeDatabase()
    quotes = db.register(QuoteRepository, InMemoryQuotes())
    install(monkeypatch, QuoteRepository, exchange)
    ledger = ledger_db.register(LedgerRepository, InMemoryLedger())
    install(monkeypatch, LedgerRepository, currency_exchange, postings)
    ledger.system_account("fx_position", "RUB")
    ledger.system_account("fx_position", "USD")
    rubles = ledger.customer_account(ANN, balance=150_000)
    dollars = ledger.customer_account(ANN, currency="USD")
    return Desk(db, quotes, ledger, ExchangesOverFakes(ledger_db), rubles, dollars)


def test_a_quote_is_exchanged_once_and_the_answer_replayed(desk: Desk) -> None:
    quote_id = desk.quote()
    result = desk.execute(quote_id)
    assert result.status == 201 and result.body["status"] == "executed"
    assert desk.ledger.account(desk.rubles)["balance"] == 50_000
    assert desk.ledger.account(desk.dollars)["balance"] == 1_000
    assert desk.quotes.get(quote_id).status == "executed"
    [event] = desk.db.connection.events("fx.exchanged")
    assert event["data"]["transaction_id"] == result.body["transaction_id"]
    assert event["data"]["sell_amount_minor"] == 100_000
    again = desk.execute(quote_id)
    assert again.replayed and again.body == result.body and desk.client.calls == [f"fx-quote-{quote_id}"]
    with pytest.raises(exchange.QuoteAlreadyUsed):
        desk.execute(quote_id, key="x-2")  # bug: a used quote claimed again by another key
    with pytest.raises(IdempotencyKeyReused):
        desk.execute(desk.quote(), key="x-1")


def test_only_the_owner_exchanges_and_not_after_expiry(desk: Desk) -> None:
    quote_id = desk.quote()
    with pytest.raises(exchange.QuoteNotFound):
        desk.execute(quote_id, owner=BOB)
    with pytest.raises(exchange.QuoteNotFound):
        desk.execute(uuid.uuid4())
    with pytest.raises(exchange.QuoteExpired):
        desk.execute(quote_id, now=NOW + timedelta(seconds=30))
    assert desk.quotes.get(quote_id).status == "open" and desk.client.calls == []
    assert desk.execute(quote_id, now=NOW + timedelta(seconds=29)).status == 201


def test_a_ledger_refusal_is_recorded_as_the_quotes_outcome(desk: Desk) -> None:
    quote_id = desk.quote(sell=200_000)
    result = desk.execute(quote_id)
    assert (result.status, result.body["code"]) == (422, "insufficient_funds")
    assert desk.quotes.get(quote_id).status == "refused" and desk.db.connection.events("fx.exchanged") == []
    assert desk.ledger.legs() == [] and desk.execute(quote_id).replayed


def test_an_answer_in_flight_leaves_the_claim_for_a_retry(desk: Desk) -> None:
    quote_id = desk.quote()
    desk.client.answer_once.append(Answer(409, {"code": "idempotency_request_in_flight"}))
    with pytest.raises(IdempotencyRequestInFlight):
        desk.execute(quote_id)
    assert desk.quotes.get(quote_id).status == "executing"
    assert desk.execute(quote_id).status == 201  # the same key retries its kept claim
    assert desk.ledger.account(desk.dollars)["balance"] == 1_000


def test_a_claimed_quote_left_by_a_crash_is_finished_by_the_schedule_once(desk: Desk) -> None:
    quote_id = desk.quote()
    desk.client.outage = True
    with pytest.raises(DependencyUnavailable):  # the ledger is unreachable; the claim stays
        desk.execute(quote_id)
    assert exchange.finish_stuck_quotes(desk.db.unit_of_work, desk.client, 60, 10)["unresolved"] == 1
    desk.client.outage = False
    desk.client.answer_once.append(Answer(409, {"code": "quote_already_exchanged"}))
    assert exchange.finish_stuck_quotes(desk.db.unit_of_work, desk.client, 60, 10)["unresolved"] == 1
    counts = exchange.finish_stuck_quotes(desk.db.unit_of_work, desk.client, 60, 10)
    assert counts["executed"] == 1 and desk.quotes.get(quote_id).status == "executed"
    assert desk.ledger.account(desk.dollars)["balance"] == 1_000
    replay = desk.execute(quote_id)  # the customer's retry gets the schedule's answer
    assert replay.replayed and replay.status == 201


@pytest.mark.parametrize("answer", [Answer(409, {"code": "quote_already_exchanged"}),
                                    Answer(409, {"code": "idempotency_key_reused"}),
                                    Answer(429, {"code": "rate_limited"})])
def test_a_ledger_answer_that_does_not_settle_the_exchange_is_not_recorded_as_a_refusal(desk: Desk,
                                                                                       answer: Answer) -> None:
    # bug: the customer's own call recorded "refused" for an answer the schedule treats as unresolved (money may have
    # moved under another ledger key, or the ledger did not look at the order): the claim must stay for a retry
    quote_id = desk.quote()
    desk.client.answer_once.append(answer)
    with pytest.raises(DependencyUnavailable):
        desk.execute(quote_id)
    assert desk.quotes.get(quote_id).status == "executing" and desk.db.connection.events("fx.exchanged") == []
    assert desk.execute(quote_id).status == 201  # the same key retries its kept claim
    assert desk.ledger.account(desk.dollars)["balance"] == 1_000
