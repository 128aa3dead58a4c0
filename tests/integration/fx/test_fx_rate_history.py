"""The rate history against the real Redis and the Frankfurter stand-in's bundled ECB days: each sampled day is
one cached day sheet, weekends collapse into their business day, and a failing provider is a 503."""

from __future__ import annotations

from datetime import date

import redis as redis_lib
from fastapi.testclient import TestClient
from fx_standin_control import StandIn

HISTORY = "/api/fx/rates/history"


def test_history_is_built_from_cached_business_days(client: TestClient, redis: redis_lib.Redis,
                                                    standin: StandIn) -> None:
    body = client.get(HISTORY, params={"base": "USD", "quote": "GBP", "days": 14}).json()
    days = [date.fromisoformat(point["date"]) for point in body["points"]]
    assert days, body
    assert days == sorted(set(days))
    assert all(day.weekday() < 5 for day in days)  # ECB days: a weekend answers with the Friday before
    assert body["sources"] == ["frankfurter"]
    assert all(float(point["rate"]) > 0 for point in body["points"])
    # Every point is the cached sheet of its day, the same one /rates/{date} serves.
    for point in body["points"]:
        assert redis.exists(f"fx:history:{point['date']}:USD:GBP")
        single = client.get(f"/api/fx/rates/{point['date']}", params={"base": "USD", "symbols": "GBP"}).json()
        assert single["rates"]["GBP"] == point["rate"]


def test_provider_failure_is_a_503(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    for key in redis.scan_iter("fx:history:*:USD:SEK"):
        redis.delete(key)
    standin.mode("error")
    response = client.get(HISTORY, params={"base": "USD", "quote": "SEK", "days": 7})
    assert (response.status_code, response.json()["code"]) == (503, "rates_unavailable")
