"""Quotes stuck in `executing` (the function died between claiming a quote and recording the ledger's answer)
are finished by the fx schedule: against the stack's fx database and the stack's real ledger function, one
stuck quote whose ledger exchange already happened, one whose exchange never reached the ledger, and one the
ledger refuses. After the sweep all three are consistent and money moved exactly once per quote."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest

from bank_shared.db import Connection, UnitOfWork, connect
from bank_shared.events import outbox
from bank_shared.http import Answer
from bank_shared.internal_models import AccountInfo
from bank_shared.migrations import upgrade_head
from fx_service import exchange
from fx_service.clients import HttpLedger
from fx_service.rate_source import MidRate
from fx_service.repository import Quote, QuoteRepository
from tests.integration.ledger.support import assert_ledger_consistent, balances, open_account
from tests.support.invoke import stack_invoker
from tests.support.stack import database_url, gateway_url


class FixedRates:
    def mid_rate(self, sell_currency: str, buy_currency: str) -> MidRate:
        return MidRate(Decimal("0.86371"), date(2026, 11, 25), "test", False)


class Accounts:
    def __init__(self, known: dict[UUID, AccountInfo]) -> None:
        self.known = known

    def accounts(self, account_ids: list[UUID]) -> dict[UUID, AccountInfo]:
        return {a: self.known[a] for a in account_ids if a in self.known}


class CountingLedger:
    """The stack's ledger, invoked as fx invokes it (its service identity, `fx`)."""

    def __init__(self) -> None:
        self._ledger = HttpLedger(stack_invoker("fx"))
        self.calls: list[str] = []

    def exchange(self, key: str, order: dict[str, Any]) -> Answer:
        self.calls.append(key)
        return self._ledger.exchange(key, order)


PRICING = exchange.Pricing(FixedRates(), 50, 30)


@pytest.fixture(scope="module")
def fx_connection() -> Iterator[Connection]:
    url = database_url("fx")
    upgrade_head("fx", url)
    conn = connect(url)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def ledger_connection() -> Iterator[Connection]:
    conn = connect(database_url("ledger"))
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url(), timeout=30) as client:
        yield client


@pytest.fixture(autouse=True)
def no_inline_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)


def claimed_quote(fx: Connection, accounts: Accounts, owner: UUID, source: UUID, target: UUID,
                  amount: str) -> tuple[dict[str, Any], str]:
    """A quote claimed under a customer key, as step 1 of `execute` leaves it."""
    request = exchange.QuoteRequest(owner, source, target, amount, "USD")
    body = exchange.create_quote(lambda: UnitOfWork(fx), request, accounts, PRICING).body
    key = str(uuid.uuid4())
    with UnitOfWork(fx) as uow:
        QuoteRepository(uow.connection).claim(UUID(body["id"]), key)
    return body, key


def quote_row(fx: Connection, quote_id: str) -> dict[str, Any]:
    row = fx.execute("SELECT * FROM fx_quotes WHERE id = %s", (quote_id,)).fetchone()
    fx.commit()
    assert row is not None
    return row


def test_stuck_quotes_are_finished_once(fx_connection: Connection, ledger_connection: Connection) -> None:
    fx, ledger_db = fx_connection, ledger_connection
    owner = uuid.uuid4()
    usd = open_account(ledger_db, owner, "USD", funded=100_00)
    eur = open_account(ledger_db, owner, "EUR")
    accounts = Accounts({usd: AccountInfo(usd, owner, "USD", "active"), eur: AccountInfo(eur, owner, "EUR", "active")})
    ledger = CountingLedger()

    applied, applied_key = claimed_quote(fx, accounts, owner, usd, eur, "10.00")
    not_applied, not_applied_key = claimed_quote(fx, accounts, owner, usd, eur, "5.00")
    too_big, _ = claimed_quote(fx, accounts, owner, usd, eur, "1000.00")
    # The first one reached the ledger before the function died: its effect is there, unrecorded in fx.
    first = ledger.exchange(f"fx-quote-{applied['id']}", exchange.ledger_order(Quote(**quote_row(fx, applied["id"]))))
    assert first.status == 201, first.body
    assert balances(ledger_db, [usd])[usd]["balance"] == 90_00
    ids = [applied["id"], not_applied["id"], too_big["id"]]
    fx.execute("UPDATE fx_quotes SET claimed_at = now() - interval '10 seconds' WHERE id = ANY(%s)",
               ([UUID(i) for i in ids],))
    fx.commit()

    factory: Callable[[], UnitOfWork] = lambda: UnitOfWork(fx)  # noqa: E731
    counts = exchange.finish_stuck_quotes(factory, ledger, older_than_seconds=5, limit=500)
    assert counts["executed"] >= 2 and counts["refused"] >= 1

    done, later, refused = (quote_row(fx, i) for i in ids)
    assert (done["status"], later["status"], refused["status"]) == ("executed", "executed", "refused")
    assert str(done["ledger_transaction_id"]) == first.body["transaction_id"]  # the replay, not a second one
    assert refused["result_body"]["code"] == "insufficient_funds"

    # Money moved exactly once per executed quote; every currency still sums to zero.
    found = balances(ledger_db, [usd, eur])
    assert found[usd]["balance"] == 100_00 - 10_00 - 5_00
    assert found[eur]["balance"] == done["buy_amount"] + later["buy_amount"]
    per_quote = ledger_db.execute("SELECT quote_id, count(*) AS n FROM exchange_details WHERE quote_id = ANY(%s) "
                                  "GROUP BY quote_id", ([UUID(i) for i in ids],)).fetchall()
    ledger_db.commit()
    assert sorted((str(r["quote_id"]), r["n"]) for r in per_quote) == sorted((i, 1) for i in ids[:2])
    assert_ledger_consistent(ledger_db)

    # fx.exchanged once per executed quote, none for the refused one.
    events = fx.execute("SELECT payload->'data'->>'quote_id' AS quote_id FROM outbox WHERE topic = 'fx.exchanged' "
                        "AND payload->'data'->>'quote_id' = ANY(%s)", (ids,)).fetchall()
    fx.commit()
    assert sorted(e["quote_id"] for e in events) == sorted(ids[:2])

    # The customer's late retry with their key gets the recorded outcome without another ledger call.
    calls = len(ledger.calls)
    retry = exchange.execute(factory, owner, UUID(not_applied["id"]), not_applied_key, ledger)
    assert retry.replayed and retry.body["transaction_id"] == str(later["ledger_transaction_id"])
    assert exchange.execute(factory, owner, UUID(applied["id"]), applied_key, ledger).status == 201
    assert len(ledger.calls) == calls

    # Nothing of these is left for the next run.
    again = exchange.finish_stuck_quotes(factory, ledger, older_than_seconds=5, limit=500)
    assert set(ids).isdisjoint(ledger.calls[calls:]) and again["unresolved"] == 0


def test_a_ledger_outage_leaves_the_quote_for_the_next_run(fx_connection: Connection) -> None:
    fx = fx_connection
    owner = uuid.uuid4()
    source, target = uuid.uuid4(), uuid.uuid4()
    accounts = Accounts({source: AccountInfo(source, owner, "USD", "active"),
                         target: AccountInfo(target, owner, "EUR", "active")})
    body, _ = claimed_quote(fx, accounts, owner, source, target, "3.00")
    fx.execute("UPDATE fx_quotes SET claimed_at = now() - interval '10 seconds' WHERE id = %s", (body["id"],))
    fx.commit()

    class Down:
        def exchange(self, key: str, order: dict[str, Any]) -> Answer:
            from bank_shared.errors import DependencyUnavailable

            raise DependencyUnavailable("ledger is unreachable")

    class InFlight:
        def exchange(self, key: str, order: dict[str, Any]) -> Answer:
            return Answer(409, {"code": "idempotency_request_in_flight"})

    factory: Callable[[], UnitOfWork] = lambda: UnitOfWork(fx)  # noqa: E731
    assert exchange.finish_stuck_quotes(factory, Down(), 5, 500)["unresolved"] >= 1
    assert exchange.finish_stuck_quotes(factory, InFlight(), 5, 500)["unresolved"] >= 1
    assert quote_row(fx, body["id"])["status"] == "executing"
    # Fresh claims (younger than the threshold) are left alone: their own request may still finish them.
    fx.execute("UPDATE fx_quotes SET claimed_at = now() WHERE id = %s", (body["id"],))
    fx.commit()
    with UnitOfWork(fx) as uow:
        assert body["id"] not in {str(r.id) for r in QuoteRepository(uow.connection).stuck(5, 500)}
    # Tidy up: the quote's accounts are not in the ledger; a refusal finishes it.
    fx.execute("UPDATE fx_quotes SET claimed_at = now() - interval '10 seconds' WHERE id = %s", (body["id"],))
    fx.commit()

    class Refuses:
        def exchange(self, key: str, order: dict[str, Any]) -> Answer:
            return Answer(404, {"code": "account_not_found", "title": "Account not found"})

    exchange.finish_stuck_quotes(factory, Refuses(), 5, 500)
    assert quote_row(fx, body["id"])["status"] == "refused"


def test_the_fx_schedule_runs_the_task(http: httpx.Client) -> None:
    """The running stack's fx function has the task wired into its schedule (before the outbox sweep)."""
    response = http.post("/__emulator/schedules/FxFunction/run")
    assert response.status_code == 200 and "x-amz-function-error" not in response.headers, response.text
    result = response.json()
    assert set(result["stuck_quotes"]) >= {"found", "executed", "refused", "already_finished", "unresolved"}
