"""The rate history route: days sampled over the period, weekends collapsed into their business day, days
without rates left out, the treasury's RUB table kept from its own day only, and the refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from fx_fakes import TODAY, FakeFrankfurter

from fx_service import treasury
from fx_service.rate_history import MAX_POINTS, sample_days
from fx_service.settings import get_fx_settings

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("FX_TREASURY_RATES_PARAMETER", raising=False)
    monkeypatch.setenv("FX_TREASURY_RATES", json.dumps(
        {"base": "RUB", "as_of": "2026-11-20", "rates": {"USD": "81.4500", "EUR": "94.3000"}}))
    get_fx_settings.cache_clear()
    treasury.forget_treasury()
    yield
    get_fx_settings.cache_clear()


def test_sample_days_cover_the_period_and_never_exceed_the_cap() -> None:
    assert sample_days(date(2026, 11, 26), 7) == [date(2026, 11, day) for day in range(20, 27)]
    year = sample_days(date(2026, 11, 26), 365)
    assert len(year) <= MAX_POINTS
    assert year[-1] == date(2026, 11, 26)
    # Evenly spaced, and the oldest day lies within the last step of the period.
    assert len({(later - earlier).days for earlier, later in pairwise(year)}) == 1
    assert 0 <= (year[0] - date(2025, 11, 27)).days < (year[1] - year[0]).days


def test_history_of_an_ecb_pair(client: TestClient, frankfurter: FakeFrankfurter) -> None:
    response = client.get("/api/fx/rates/history", params={"base": "usd", "quote": "EUR", "days": 30})
    assert response.status_code == 200
    body = response.json()
    assert (body["base"], body["quote"], body["days"], body["sources"]) == ("USD", "EUR", 30, ["frankfurter"])
    days = [point["date"] for point in body["points"]]
    # The fake has no rates before November 1st: those days are left out, the rest are each day's own.
    assert days == sorted(days)
    assert days[0] == "2026-11-01"
    assert days[-1] == TODAY.isoformat()
    assert all(point["rate"] == "0.86371" for point in body["points"])


def test_days_answered_with_the_same_business_day_are_one_point(client: TestClient,
                                                                frankfurter: FakeFrankfurter) -> None:
    frankfurter.historical_day = "2026-11-25"
    body = client.get("/api/fx/rates/history?base=USD&quote=EUR&days=7").json()
    assert [point["date"] for point in body["points"]] == ["2026-11-25"]


def test_rub_history_starts_at_the_treasury_table(client: TestClient) -> None:
    body = client.get("/api/fx/rates/history?base=USD&quote=RUB&days=30").json()
    assert body["sources"] == ["treasury"]
    # The treasury keeps only the table in force (since its as_of day): one point, none before it.
    assert [(point["date"], point["rate"]) for point in body["points"]] == [("2026-11-20", "81.4500")]


def test_refusals(client: TestClient, frankfurter: FakeFrankfurter) -> None:
    same = client.get("/api/fx/rates/history?base=USD&quote=usd")
    assert (same.status_code, same.headers["content-type"]) == (422, PROBLEM)
    assert same.json()["code"] == "validation_failed"
    assert client.get("/api/fx/rates/history?base=USD&quote=EUR&days=3").status_code == 422
    assert client.get("/api/fx/rates/history?base=USD&quote=EUR&days=366").status_code == 422
    assert client.get("/api/fx/rates/history?base=USD").status_code == 422
    frankfurter.mode = "error"
    down = client.get("/api/fx/rates/history?base=USD&quote=EUR&days=7")
    assert (down.status_code, down.json()["code"]) == (503, "rates_unavailable")
