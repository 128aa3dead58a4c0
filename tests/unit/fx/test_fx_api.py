"""The HTTP surface: response shapes (decimal strings), problem+json codes, field errors."""

from __future__ import annotations

import fakeredis
import pytest
from fastapi.testclient import TestClient
from fx_fakes import FakeFrankfurter

PROBLEM = "application/problem+json"


def test_latest_shape(client: TestClient) -> None:
    response = client.get("/api/fx/rates/latest", params={"base": "usd", "symbols": "gbp,EUR,eur"})
    assert response.status_code == 200
    body = response.json()
    assert body["base"] == "USD"
    assert body["date"] == "2026-11-25"
    assert body["rates"] == {"EUR": "0.86371", "GBP": "0.76041"}
    assert all(isinstance(rate, str) for rate in body["rates"].values())
    assert (body["cached"], body["stale"]) == (False, False)
    assert body["source"] == "frankfurter"
    assert body["fetched_at"].endswith("Z")


def test_latest_second_call_cached(client: TestClient, redis: fakeredis.FakeRedis) -> None:
    client.get("/api/fx/rates/latest?base=USD&symbols=EUR,GBP")
    again = client.get("/api/fx/rates/latest?base=USD&symbols=GBP,EUR")
    assert again.json()["cached"] is True
    assert redis.exists("fx:latest:USD:EUR,GBP")


def test_default_base_is_eur_and_all_symbols(client: TestClient, redis: fakeredis.FakeRedis) -> None:
    body = client.get("/api/fx/rates/latest").json()
    assert body["base"] == "EUR"
    assert body["rates"]["JPY"] == "181.81"
    assert redis.exists("fx:latest:EUR:")


def test_stale_is_reported(client: TestClient, frankfurter: FakeFrankfurter, redis: fakeredis.FakeRedis) -> None:
    client.get("/api/fx/rates/latest?base=USD&symbols=EUR")
    redis.delete("fx:latest:USD:EUR")
    frankfurter.mode = "timeout"
    body = client.get("/api/fx/rates/latest?base=USD&symbols=EUR").json()
    assert (body["cached"], body["stale"]) == (True, True)


def test_nothing_known_is_503_problem(client: TestClient, frankfurter: FakeFrankfurter) -> None:
    frankfurter.mode = "error"
    response = client.get("/api/fx/rates/latest?base=USD&symbols=EUR")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "rates_unavailable"
    assert response.headers["retry-after"] == "30"


def test_rub_is_unsupported(client: TestClient) -> None:
    response = client.get("/api/fx/rates/latest?base=USD&symbols=EUR,RUB")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "unsupported_currency"
    assert body["currencies"] == ["RUB"]


@pytest.mark.parametrize(("query", "field"), [
    ("base=US", "query.base"),
    ("base=U5D", "query.base"),
    ("symbols=EUR,,GBP", "query.symbols"),
    ("symbols=EURO", "query.symbols"),
    ("base=USD&symbols=USD", "symbols"),
])
def test_bad_input_is_422_with_field_errors(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/api/fx/rates/latest?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert [error["field"] for error in body["errors"]] == [field]


def test_historical(client: TestClient) -> None:
    body = client.get("/api/fx/rates/2026-11-20?base=EUR&symbols=USD").json()
    assert body["date"] == "2026-11-20"
    assert body["rates"] == {"USD": "1.1578"}


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/fx/rates/2026-02-30", 422, "validation_failed"),
    ("/api/fx/rates/yesterday", 422, "validation_failed"),
    ("/api/fx/rates/2099-01-01", 422, "validation_failed"),
    ("/api/fx/rates/2020-01-02", 404, "rates_not_found"),
])
def test_historical_refusals(client: TestClient, path: str, status: int, code: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_currencies(client: TestClient) -> None:
    body = client.get("/api/fx/currencies").json()
    assert {"code": "GBP", "name": "British Pound"} in body["items"]
    assert [item["code"] for item in body["items"]] == sorted(item["code"] for item in body["items"])
    assert body["next_cursor"] is None
    assert (body["cached"], body["stale"]) == (False, False)


def test_operation_ids_are_stable(client: TestClient) -> None:
    spec = client.get("/api/fx/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"fx_latest_rates", "fx_historical_rates", "fx_currencies"} <= ids
