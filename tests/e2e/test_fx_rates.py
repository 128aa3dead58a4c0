"""fx rates through the local API gateway, without a token (public market data): shapes, cache, faults."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import redis as redis_lib

from tests.support.stack import gateway_url, stack

LATEST = "/api/fx/rates/latest"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url(), timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def redis() -> Iterator[redis_lib.Redis]:
    client = redis_lib.Redis.from_url(str(stack()["redis_url"]), decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def standin() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=str(stack()["frankfurter_url"]), timeout=5) as control:
        control.post("/__control", json={"mode": "ok"}).raise_for_status()
        try:
            yield control
        finally:
            control.post("/__control", json={"mode": "ok"}).raise_for_status()


def get(client: httpx.Client, path: str, **params: str) -> httpx.Response:
    """GET without a token; waits out the per-IP rate limit other suites may have used up."""
    for _ in range(3):
        response = client.get(path, params=params)
        if response.status_code != 429:
            return response
        time.sleep(min(int(response.headers.get("retry-after", "1")), 30))
    return response


def test_latest_without_a_token(client: httpx.Client, redis: redis_lib.Redis, standin: httpx.Client) -> None:
    redis.delete("fx:latest:USD:EUR,GBP")
    response = get(client, LATEST, base="USD", symbols="EUR,GBP")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["base"] == "USD"
    assert set(body["rates"]) == {"EUR", "GBP"}
    assert all(isinstance(rate, str) for rate in body["rates"].values())
    assert (body["cached"], body["stale"]) == (False, False)
    assert response.headers.get("x-request-id")
    again = get(client, LATEST, base="usd", symbols="gbp,eur").json()
    assert (again["cached"], again["rates"]) == (True, body["rates"])


def test_stale_through_the_gateway(client: httpx.Client, redis: redis_lib.Redis, standin: httpx.Client) -> None:
    assert get(client, LATEST, base="USD", symbols="CHF,EUR").status_code == 200
    redis.delete("fx:latest:USD:CHF,EUR")
    standin.post("/__control", json={"mode": "error"}).raise_for_status()
    body = get(client, LATEST, base="USD", symbols="CHF,EUR").json()
    assert (body["cached"], body["stale"]) == (True, True)


def test_currencies_and_history_without_a_token(client: httpx.Client, standin: httpx.Client) -> None:
    currencies = get(client, "/api/fx/currencies")
    assert currencies.status_code == 200
    latest_day = get(client, LATEST, symbols="USD").json()["date"]
    history = get(client, f"/api/fx/rates/{latest_day}", base="GBP", symbols="EUR")
    assert history.status_code == 200
    assert history.json()["date"] == latest_day


@pytest.mark.parametrize(("path", "params", "status", "code"), [
    (LATEST, {"base": "USD", "symbols": "XAU"}, 422, "unsupported_currency"),  # RUB: the treasury's rates
    (LATEST, {"base": "DOLLARS"}, 422, "validation_failed"),
    ("/api/fx/rates/2026-02-30", {}, 422, "validation_failed"),
])
def test_refusals_are_problems(client: httpx.Client, standin: httpx.Client, path: str, params: dict[str, str],
                               status: int, code: str) -> None:
    response = get(client, path, **params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_only_the_rate_routes_are_public(client: httpx.Client) -> None:
    assert get(client, "/api/fx/quotes").status_code == 401
