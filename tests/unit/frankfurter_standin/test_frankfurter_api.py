"""Frankfurter v1 request/response shapes served from the bundled snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from frankfurter_standin.rates import Snapshot, round_rate

Fetch = Callable[..., tuple[int, Any]]

SNAPSHOT = Snapshot.load()
LATEST = "2026-11-25"


def eur(code: str, day: str = LATEST) -> Decimal:
    return SNAPSHOT.eur_rates(dt.date.fromisoformat(day))[code]


def test_snapshot_is_the_ecb_set() -> None:
    codes = set(SNAPSHOT.currency_names())
    assert SNAPSHOT.latest_day.isoformat() == LATEST
    assert 29 <= len(codes) <= 31
    assert {"EUR", "USD", "GBP", "CHF", "JPY", "PLN", "CZK"} <= codes
    assert "RUB" not in codes
    for day in SNAPSHOT.days:
        assert day.weekday() < 5
        assert set(SNAPSHOT.eur_rates(day)) == codes - {"EUR"}


def test_health(fetch: Fetch) -> None:
    status, body = fetch("/health")
    assert status == 200
    assert body["status"] == "ok"


@pytest.mark.parametrize("prefix", ["", "/v1"])
def test_latest_default_is_eur_based_raw_ecb(fetch: Fetch, prefix: str) -> None:
    status, body = fetch(f"{prefix}/latest")
    assert status == 200
    assert set(body) == {"amount", "base", "date", "rates"}
    assert body["amount"] == 1.0
    assert body["base"] == "EUR"
    assert body["date"] == LATEST
    assert "EUR" not in body["rates"]
    assert body["rates"]["USD"] == float(eur("USD"))
    assert list(body["rates"]) == sorted(body["rates"])


def test_latest_rebased_with_symbols(fetch: Fetch) -> None:
    status, body = fetch("/latest?base=USD&symbols=EUR,GBP")
    assert status == 200
    assert body["base"] == "USD"
    assert set(body["rates"]) == {"EUR", "GBP"}
    assert body["rates"]["EUR"] == float(round_rate(1 / eur("USD")))
    assert body["rates"]["GBP"] == float(round_rate(eur("GBP") / eur("USD")))


def test_from_to_aliases_lowercase_and_amount(fetch: Fetch) -> None:
    status, body = fetch("/v1/latest?from=usd&to=jpy&amount=250")
    assert status == 200
    assert body["amount"] == 250.0
    assert body["base"] == "USD"
    expected = round_rate(Decimal(250) * eur("JPY") / eur("USD"))
    assert body["rates"] == {"JPY": float(expected)}


def test_amount_with_eur_base_is_rounded(fetch: Fetch) -> None:
    _, body = fetch("/latest?amount=10&symbols=GBP,IDR")
    assert body["rates"]["GBP"] == float(round_rate(10 * eur("GBP")))
    assert body["rates"]["IDR"] == float(round_rate(10 * eur("IDR")))


def test_rebased_includes_eur_when_no_symbols(fetch: Fetch) -> None:
    _, body = fetch("/latest?base=GBP")
    assert "EUR" in body["rates"]
    assert "GBP" not in body["rates"]
    assert len(body["rates"]) == len(SNAPSHOT.currency_names()) - 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19352.456", "19352"),
        ("181.2466", "181.25"),
        ("24.19649", "24.196"),
        ("1.161249", "1.1612"),
        ("0.8637149", "0.86371"),
        ("0.00005171234", "0.000052"),
    ],
)
def test_round_rate_follows_frankfurter_magnitudes(value: str, expected: str) -> None:
    assert round_rate(Decimal(value)) == Decimal(expected)


def test_historical_uses_nearest_earlier_business_day(fetch: Fetch) -> None:
    status, body = fetch("/2026-11-22?symbols=USD")  # a Sunday
    assert status == 200
    assert body["date"] == "2026-11-20"
    assert body["rates"] == {"USD": float(eur("USD", "2026-11-20"))}
    _, exact = fetch("/v1/2026-11-18?base=CHF&symbols=EUR")
    assert exact["date"] == "2026-11-18"
    assert exact["rates"]["EUR"] == float(round_rate(1 / eur("CHF", "2026-11-18")))


def test_historical_future_date_gives_latest_and_too_old_is_404(fetch: Fetch) -> None:
    assert fetch("/2027-01-04")[1]["date"] == LATEST
    assert fetch("/2020-01-02") == (404, {"message": "not found"})


def test_time_series(fetch: Fetch) -> None:
    status, body = fetch("/v1/2026-11-19..2026-11-23?symbols=USD")
    assert status == 200
    assert body["start_date"] == "2026-11-19"
    assert body["end_date"] == "2026-11-23"
    assert list(body["rates"]) == ["2026-11-19", "2026-11-20", "2026-11-23"]


def test_currencies(fetch: Fetch) -> None:
    status, body = fetch("/v1/currencies")
    assert status == 200
    assert body["EUR"] == "Euro"
    assert body["USD"] == "United States Dollar"
    assert "RUB" not in body
    assert list(body) == sorted(body)


@pytest.mark.parametrize(
    "path",
    [
        "/latest?base=RUB",
        "/latest?symbols=RUB",
        "/latest?base=USD&symbols=XXX",
        "/nope",
    ],
)
def test_unknown_currency_or_path_is_not_found(fetch: Fetch, path: str) -> None:
    assert fetch(path) == (404, {"message": "not found"})


def test_unknown_symbols_are_dropped_when_others_known(fetch: Fetch) -> None:
    status, body = fetch("/latest?symbols=USD,RUB")
    assert status == 200
    assert set(body["rates"]) == {"USD"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/latest?base=USD&symbols=USD", "bad currency pair"),
        ("/latest?amount=0", "invalid amount"),
        ("/latest?amount=abc", "invalid amount"),
        ("/latest?amount=-5", "invalid amount"),
        ("/2026-13-45", "invalid date"),
    ],
)
def test_unprocessable_requests(fetch: Fetch, path: str, message: str) -> None:
    assert fetch(path) == (422, {"message": message})
