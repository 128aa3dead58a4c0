"""RUB through the treasury: routing by currency pair, sources named per rate, cross rates through a treasury
currency, truncation in the bank's favour, the API surface, and quotes priced from the treasury's rates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

import pytest
from fastapi.testclient import TestClient
from fx_fakes import FakeFrankfurter
from hypothesis import given, settings
from hypothesis import strategies as st

from bank_shared.errors import AppError
from fx_service import treasury
from fx_service.pricing import AmountTooSmall, price
from fx_service.providers import TreasuryProvider
from fx_service.rate_source import MarketRates
from fx_service.rates_desk import RatesDesk
from fx_service.service import RatesService
from fx_service.settings import get_fx_settings
from fx_service.treasury import TreasuryTable, TreasuryUnavailable, parse_table

TABLE = {"base": "RUB", "as_of": "2026-11-25", "rates": {"USD": "81.4500", "EUR": "94.3000", "CNY": "11.42"}}
PROBLEM = "application/problem+json"


def truncated(value: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return value.quantize(Decimal("1e-12"), rounding=ROUND_DOWN)


def one_over(value: str) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return truncated(Decimal(1) / Decimal(value))


@pytest.fixture(autouse=True)
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("FX_TREASURY_RATES_PARAMETER", raising=False)
    monkeypatch.setenv("FX_TREASURY_RATES", json.dumps(TABLE))
    get_fx_settings.cache_clear()
    treasury.forget_treasury()
    yield
    get_fx_settings.cache_clear()


@pytest.fixture
def desk(service: RatesService) -> RatesDesk:
    return RatesDesk(service, TreasuryProvider(treasury.treasury_table))


def test_rub_base_from_the_treasury(client: TestClient) -> None:
    body = client.get("/api/fx/rates/latest?base=RUB&symbols=USD,EUR").json()
    assert body["rates"] == {"EUR": str(one_over("94.3000")), "USD": str(one_over("81.4500"))}
    assert body["rates"]["USD"] == "0.012277470841"
    assert (body["source"], body["sources"]) == ("treasury", {"EUR": "treasury", "USD": "treasury"})
    assert (body["date"], body["cached"], body["stale"]) == ("2026-11-25", False, False)


def test_rub_as_symbol_mixes_sources(client: TestClient, frankfurter: FakeFrankfurter) -> None:
    body = client.get("/api/fx/rates/latest?base=USD&symbols=RUB,EUR").json()
    assert body["rates"] == {"EUR": "0.86371", "RUB": "81.4500"}
    assert body["sources"] == {"EUR": "frankfurter", "RUB": "treasury"}
    assert body["source"] == "treasury+frankfurter"
    only = client.get("/api/fx/rates/latest?base=USD&symbols=RUB").json()
    assert (only["rates"], only["source"]) == ({"RUB": "81.4500"}, "treasury")


def test_unlisted_currency_is_crossed_through_usd(client: TestClient) -> None:
    usd_gbp = Decimal("0.76041")  # the fake's USD→GBP
    body = client.get("/api/fx/rates/latest?base=RUB&symbols=GBP").json()
    with localcontext() as context:
        context.prec = 50
        assert body["rates"]["GBP"] == str(truncated(usd_gbp / Decimal("81.4500")))
        back = client.get("/api/fx/rates/latest?base=GBP&symbols=RUB").json()
        assert back["rates"]["RUB"] == str(truncated(Decimal("81.4500") / usd_gbp))
    assert body["sources"] == {"GBP": "treasury+frankfurter"} and back["source"] == "treasury+frankfurter"


def test_every_currency_includes_rub(client: TestClient) -> None:
    from_usd = client.get("/api/fx/rates/latest?base=USD").json()
    assert from_usd["rates"]["RUB"] == "81.4500" and from_usd["sources"]["GBP"] == "frankfurter"
    from_rub = client.get("/api/fx/rates/latest?base=RUB").json()
    assert set(from_rub["rates"]) == {"USD", "EUR", "CNY", "GBP", "JPY", "CHF"}
    assert from_rub["sources"]["CNY"] == "treasury" and from_rub["sources"]["JPY"] == "treasury+frankfurter"
    codes = {item["code"]: item["name"] for item in client.get("/api/fx/currencies").json()["items"]}
    assert codes["RUB"] == "Russian Ruble" and codes["USD"] == "United States Dollar"


def test_refusals(client: TestClient) -> None:
    same = client.get("/api/fx/rates/latest?base=RUB&symbols=RUB")
    assert same.status_code == 422 and same.json()["code"] == "validation_failed"
    unknown = client.get("/api/fx/rates/latest?base=RUB&symbols=XAU")
    assert unknown.status_code == 422 and unknown.headers["content-type"] == PROBLEM
    assert unknown.json()["code"] == "unsupported_currency" and unknown.json()["currencies"] == ["XAU"]


def test_historical_rub_only_from_the_tables_day(client: TestClient) -> None:
    assert client.get("/api/fx/rates/2026-11-25?base=RUB&symbols=USD").json()["rates"]["USD"] == "0.012277470841"
    earlier = client.get("/api/fx/rates/2026-11-20?base=RUB&symbols=USD")
    assert earlier.status_code == 404 and earlier.json()["code"] == "rates_not_found"
    future = client.get("/api/fx/rates/2027-01-04?base=RUB&symbols=USD")
    assert future.status_code == 422


def test_without_a_treasury_rub_stays_unsupported(service: RatesService) -> None:
    desk = RatesDesk(service, TreasuryProvider(lambda: None))
    with pytest.raises(AppError) as raised:
        desk.latest("RUB", ("USD",))
    assert raised.value.code == "unsupported_currency"
    assert "RUB" not in desk.latest("USD", ()).value.rates  # every currency: the ECB's


def test_unreadable_treasury_is_503(service: RatesService) -> None:
    def unreadable() -> TreasuryTable:
        raise TreasuryUnavailable("ssm down")

    with pytest.raises(AppError) as raised:
        RatesDesk(service, TreasuryProvider(unreadable)).latest("RUB", ("USD",))
    assert (raised.value.code, raised.value.status) == ("rates_unavailable", 503)


def test_stale_treasury_table_is_reported(service: RatesService) -> None:
    stale = TreasuryTable("RUB", date(2026, 11, 25), {"USD": Decimal("81.45")}, "ssm", stale=True)
    served = RatesDesk(service, TreasuryProvider(lambda: stale)).latest("RUB", ("USD",))
    assert served.stale


def test_quote_mid_rate_and_source(desk: RatesDesk) -> None:
    market = MarketRates(desk)
    rub_usd = market.mid_rate("RUB", "USD")
    assert (rub_usd.rate, rub_usd.source, rub_usd.rate_date) == (Decimal("0.012277470841"), "treasury",
                                                                  date(2026, 11, 25))
    assert market.mid_rate("USD", "RUB").rate == Decimal("81.4500")
    assert market.mid_rate("RUB", "GBP").source == "treasury+frankfurter"
    assert market.mid_rate("USD", "EUR").source == "frankfurter"


def test_rub_to_usd_quote_is_in_the_banks_favour(desk: RatesDesk) -> None:
    mid = MarketRates(desk).mid_rate("RUB", "USD").rate
    sell = price(mid, 50, "RUB", "USD", 10_000_00, "sell")
    assert sell.buy_amount == 122_16  # 10000 / 81.45 = 122.7747…, less 0.5 %: 122.1608… → 122.16 (down)
    buy = price(mid, 50, "RUB", "USD", 100_00, "buy")
    assert buy.sell_amount == 8_185_93  # 100 / 0.012216083486 = 8185.9280… → 8185.93 (up)


@settings(max_examples=200, deadline=None)
@given(rub_per_usd=st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=4),
       amount=st.integers(min_value=1, max_value=10**10), spread=st.integers(min_value=0, max_value=300),
       to_rub=st.booleans(), fixed=st.sampled_from(["sell", "buy"]))
def test_treasury_quotes_never_favour_the_customer(rub_per_usd: Decimal, amount: int, spread: int, to_rub: bool,
                                                   fixed: str) -> None:
    table = parse_table(json.dumps({"as_of": "2026-11-25", "rates": {"USD": str(rub_per_usd)}}), "setting")
    provider = TreasuryProvider(lambda: table)
    sell, buy = ("USD", "RUB") if to_rub else ("RUB", "USD")
    mid = provider.latest(sell, (buy,)).rates[buy]
    try:
        quote = price(mid, spread, sell, buy, amount, fixed)  # type: ignore[arg-type]
    except AmountTooSmall:
        return
    # Valued at the treasury's own rate, what the customer receives is never worth more than what they pay.
    sold_in_rub = quote.sell_amount * (rub_per_usd if sell == "USD" else 1)
    bought_in_rub = quote.buy_amount * (rub_per_usd if buy == "USD" else 1)
    assert bought_in_rub <= sold_in_rub
