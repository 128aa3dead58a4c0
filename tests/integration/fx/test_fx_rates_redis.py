"""Rates against the real Redis and the stand-in: exact keys, TTLs, hits, stale fallback, 503."""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, date, datetime, timedelta

import redis as redis_lib
from fastapi.testclient import TestClient
from fx_standin_control import StandIn

from fx_service import cache

ECB_CODES = ("AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "ISK",
             "JPY", "KRW", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "RON", "SEK", "SGD", "THB", "TRY", "USD",
             "ZAR")
LATEST = "/api/fx/rates/latest"


def forget(redis: redis_lib.Redis, base: str, symbols: str) -> None:
    redis.delete(f"fx:latest:{base}:{symbols}", f"fx:last_known:latest:{base}:{symbols}")


def unrequested_set(redis: redis_lib.Redis) -> tuple[str, str]:
    """A base and four symbols nobody is likely to have asked for, with anything known about them wiped."""
    chosen = sorted(set(secrets.SystemRandom().sample(ECB_CODES, 5)))
    base, symbols = chosen[0], ",".join(chosen[1:])
    forget(redis, base, symbols)
    return base, symbols


def test_exact_key_and_24h_ttl(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    forget(redis, "USD", "EUR,GBP")
    body = client.get(LATEST, params={"base": "USD", "symbols": "EUR,GBP"}).json()
    assert (body["cached"], body["stale"]) == (False, False)
    assert 86_400 - 5 <= redis.ttl("fx:latest:USD:EUR,GBP") <= 86_400
    assert redis.ttl("fx:last_known:latest:USD:EUR,GBP") > 86_400
    stored = json.loads(redis.get("fx:latest:USD:EUR,GBP") or "{}")
    assert stored["rates"] == body["rates"]
    assert all(isinstance(rate, str) for rate in stored["rates"].values())
    assert body["date"] == standin.latest_day()


def test_same_set_in_any_order_or_case_hits_one_key(client: TestClient, redis: redis_lib.Redis,
                                                    standin: StandIn) -> None:
    forget(redis, "USD", "EUR,GBP")
    client.get(LATEST, params={"base": "usd", "symbols": "gbp,EUR,eur"})
    assert redis.exists("fx:latest:USD:EUR,GBP")
    assert client.get(LATEST, params={"base": "USD", "symbols": "EUR,GBP"}).json()["cached"] is True
    assert not redis.keys("fx:latest:usd*") and not redis.keys("fx:latest:USD:gbp*")


def test_empty_symbol_set_key(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    forget(redis, "CHF", "")
    body = client.get(LATEST, params={"base": "CHF"}).json()
    assert len(body["rates"]) > 20
    assert 86_400 - 5 <= redis.ttl("fx:latest:CHF:") <= 86_400


def test_second_call_is_cached_while_the_standin_is_down(client: TestClient, redis: redis_lib.Redis,
                                                         standin: StandIn) -> None:
    forget(redis, "USD", "EUR,JPY")
    first = client.get(LATEST, params={"base": "USD", "symbols": "EUR,JPY"}).json()
    standin.mode("error")  # any call reaching the stand-in now fails, so a fresh answer proves a hit
    second = client.get(LATEST, params={"base": "USD", "symbols": "EUR,JPY"}).json()
    assert (second["cached"], second["stale"]) == (True, False)
    assert (second["rates"], second["fetched_at"]) == (first["rates"], first["fetched_at"])


def test_stale_fallback_when_the_standin_fails_mid_test(client: TestClient, redis: redis_lib.Redis,
                                                         standin: StandIn) -> None:
    forget(redis, "GBP", "EUR,USD")
    fresh = client.get(LATEST, params={"base": "GBP", "symbols": "EUR,USD"}).json()
    standin.mode("error")
    redis.delete("fx:latest:GBP:EUR,USD")  # as if the 24 h copy had expired
    response = client.get(LATEST, params={"base": "GBP", "symbols": "EUR,USD"})
    assert response.status_code == 200
    stale = response.json()
    assert (stale["cached"], stale["stale"]) == (True, True)
    assert stale["rates"] == fresh["rates"] and stale["date"] == fresh["date"]
    assert not redis.exists("fx:latest:GBP:EUR,USD"), "stale rates must not be re-cached as fresh"
    standin.mode("ok")
    recovered = client.get(LATEST, params={"base": "GBP", "symbols": "EUR,USD"}).json()
    assert (recovered["cached"], recovered["stale"]) == (False, False)


def test_slow_standin_times_out_to_stale(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    forget(redis, "JPY", "EUR,USD")
    client.get(LATEST, params={"base": "JPY", "symbols": "EUR,USD"})
    redis.delete("fx:latest:JPY:EUR,USD")
    standin.mode("slow", delay_ms=3000)
    started = time.perf_counter()
    body = client.get(LATEST, params={"base": "JPY", "symbols": "EUR,USD"}).json()
    elapsed = time.perf_counter() - started
    assert body["stale"] is True
    assert elapsed < 2.5, f"waited {elapsed:.2f} s for a slow provider"


def test_nothing_known_is_503(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    client.get("/api/fx/currencies")  # the currency list is known; the rates for this set are not
    base, symbols = unrequested_set(redis)
    standin.mode("error")
    response = client.get(LATEST, params={"base": base, "symbols": symbols})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "rates_unavailable"
    assert not redis.exists(f"fx:latest:{base}:{symbols}")


def test_rub_is_unsupported_without_a_cache_entry(client: TestClient, redis: redis_lib.Redis,
                                                  standin: StandIn) -> None:
    response = client.get(LATEST, params={"base": "USD", "symbols": "EUR,RUB"})
    assert response.status_code == 422
    assert response.json()["code"] == "unsupported_currency"
    assert not redis.exists("fx:latest:USD:EUR,RUB")


def test_history_key_and_ttl(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    day = date.fromisoformat(standin.latest_day()) - timedelta(days=5)
    key = f"fx:history:{day.isoformat()}:EUR:USD"
    redis.delete(key)
    body = client.get(f"/api/fx/rates/{day.isoformat()}", params={"symbols": "USD"}).json()
    assert body["cached"] is False
    settled = day <= datetime.now(UTC).date() - timedelta(days=2)
    expected = cache.SETTLED_HISTORY_TTL_SECONDS if settled else cache.RECENT_HISTORY_TTL_SECONDS
    assert expected - 5 <= redis.ttl(key) <= expected
    standin.mode("error")
    assert client.get(f"/api/fx/rates/{day.isoformat()}", params={"symbols": "USD"}).json()["cached"] is True


def test_currencies_key(client: TestClient, redis: redis_lib.Redis, standin: StandIn) -> None:
    redis.delete("fx:currencies")
    body = client.get("/api/fx/currencies").json()
    assert body["cached"] is False
    assert {"code": "USD", "name": "United States Dollar"} in body["items"]
    assert "RUB" not in {item["code"] for item in body["items"]}
    assert 86_400 - 5 <= redis.ttl("fx:currencies") <= 86_400
