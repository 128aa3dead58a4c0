"""A quote is priced with no database transaction open (the transaction guard has no exceptions): the treasury's
SSM parameter (moto) and the ECB rates (the fake Frankfurter behind the real provider) are read before the quote's
unit of work opens; each read records whether a transaction was open then. A refused pricing (SSM unreadable with
no table known) still refuses a new quote, while a retry of a quote already stored under its Idempotency-Key is
answered with that quote, as before the pricing moved out of the transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import fakeredis
import httpx
import pytest
from fx_fakes import TODAY, FakeFrankfurter
from moto import mock_aws

from bank_shared.aws import client, reset_clients
from bank_shared.internal_models import AccountInfo
from bank_shared.transaction_guard import in_transaction
from fx_service import exchange, treasury
from fx_service.cache import RatesCache
from fx_service.domain import RatesUnavailable
from fx_service.providers import FrankfurterProvider, TreasuryProvider
from fx_service.rate_source import MarketRates
from fx_service.rates_desk import RatesDesk
from fx_service.repository import QuoteRepository
from fx_service.service import RatesService
from fx_service.settings import get_fx_settings
from tests.support.fakes import FakeDatabase, install
from tests.support.fakes.fx import InMemoryQuotes

PARAMETER = "/bank/test/fx/treasury_rates"
TABLE = {"base": "RUB", "as_of": "2026-11-25", "rates": {"USD": "81.4500", "EUR": "94.3000"}}
ANN = uuid.uuid4()
ACCOUNTS = {currency: AccountInfo(uuid.uuid4(), ANN, currency, "active") for currency in ("RUB", "USD", "EUR")}


class Directory:
    def accounts(self, account_ids: list[UUID]) -> dict[UUID, AccountInfo]:
        return {account.id: account for account in ACCOUNTS.values() if account.id in account_ids}


def order(sell: str, buy: str, amount: str = "100.00") -> exchange.QuoteRequest:
    return exchange.QuoteRequest(ANN, ACCOUNTS[sell].id, ACCOUNTS[buy].id, amount, sell)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """SSM (moto) holding the treasury's table, and every rate read recorded with `in_transaction()`."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("FX_TREASURY_RATES", raising=False)
    monkeypatch.setenv("FX_TREASURY_RATES_PARAMETER", PARAMETER)
    get_fx_settings.cache_clear()
    treasury.forget_treasury()
    seen: list[tuple[str, bool]] = []
    real_read = treasury._from_ssm

    def recorded(name: str) -> treasury.TreasuryTable:
        seen.append(("ssm", in_transaction()))
        return real_read(name)

    monkeypatch.setattr(treasury, "_from_ssm", recorded)
    with mock_aws():
        reset_clients()
        client("ssm").put_parameter(Name=PARAMETER, Value=json.dumps(TABLE), Type="String")
        yield seen
        reset_clients()
    get_fx_settings.cache_clear()
    treasury.forget_treasury()


@pytest.fixture
def pricing(reads: list[tuple[str, bool]]) -> exchange.Pricing:
    frankfurter = FakeFrankfurter()

    def handler(request: httpx.Request) -> httpx.Response:
        reads.append(("frankfurter", in_transaction()))
        return frankfurter.handler(request)

    provider = FrankfurterProvider.from_settings("https://frankfurter.test/v1", 1.5, 0.5,
                                                 transport=httpx.MockTransport(handler))
    market = RatesService(provider, RatesCache(fakeredis.FakeRedis(decode_responses=True)), today=lambda: TODAY)
    return exchange.Pricing(MarketRates(RatesDesk(market, TreasuryProvider(treasury.treasury_table))), 50, 30)


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch) -> FakeDatabase:
    database = FakeDatabase()
    database.register(QuoteRepository, InMemoryQuotes())
    install(monkeypatch, QuoteRepository, exchange)
    return database


def test_a_rub_quote_reads_the_treasury_parameter_before_its_transaction(
        db: FakeDatabase, pricing: exchange.Pricing, reads: list[tuple[str, bool]]) -> None:
    body = exchange.create_quote(db.unit_of_work, order("RUB", "USD"), Directory(), pricing, "q-1").body
    assert (body["rate_source"], body["rate_stale"]) == ("treasury", False)
    assert reads == [("ssm", False)]


def test_an_ecb_quote_asks_frankfurter_before_its_transaction(
        db: FakeDatabase, pricing: exchange.Pricing, reads: list[tuple[str, bool]]) -> None:
    body = exchange.create_quote(db.unit_of_work, order("EUR", "USD"), Directory(), pricing).body
    assert body["rate_source"] == "frankfurter"
    assert reads and {open_ for _, open_ in reads} == {False}


def test_with_ssm_down_a_stored_quote_is_replayed_and_a_new_one_refused(
        db: FakeDatabase, pricing: exchange.Pricing, reads: list[tuple[str, bool]]) -> None:
    first = exchange.create_quote(db.unit_of_work, order("RUB", "USD"), Directory(), pricing, "q-1")
    client("ssm").delete_parameter(Name=PARAMETER)
    treasury.forget_treasury()  # no last table to fall back to, and no FX_TREASURY_RATES setting
    again = exchange.create_quote(db.unit_of_work, order("RUB", "USD"), Directory(), pricing, "q-1")
    assert again.replayed and again.body == first.body
    with pytest.raises(RatesUnavailable):
        exchange.create_quote(db.unit_of_work, order("RUB", "USD"), Directory(), pricing, "q-2")
    assert {open_ for _, open_ in reads} == {False}


def test_with_ssm_down_after_a_read_a_quote_is_priced_from_the_last_table_marked_stale(
        db: FakeDatabase, pricing: exchange.Pricing, reads: list[tuple[str, bool]]) -> None:
    exchange.create_quote(db.unit_of_work, order("RUB", "USD"), Directory(), pricing)
    client("ssm").delete_parameter(Name=PARAMETER)
    treasury._cached = None  # the refresh interval has passed
    body: dict[str, Any] = exchange.create_quote(db.unit_of_work, order("RUB", "USD"), Directory(), pricing).body
    assert (body["rate_source"], body["rate_stale"]) == ("treasury", True)
    assert reads == [("ssm", False), ("ssm", False)]
