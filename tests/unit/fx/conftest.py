"""Fixtures of the fx unit tests: the fake Frankfurter behind the real provider, fakeredis, the app."""

from __future__ import annotations

from collections.abc import Iterator

import fakeredis
import httpx
import pytest
from fastapi.testclient import TestClient
from fx_fakes import TODAY, FakeFrankfurter

from fx_service.api import app
from fx_service.cache import RatesCache
from fx_service.dependencies import rates_service
from fx_service.providers import FrankfurterProvider
from fx_service.service import RatesService


@pytest.fixture
def frankfurter() -> FakeFrankfurter:
    return FakeFrankfurter()


@pytest.fixture
def provider(frankfurter: FakeFrankfurter) -> FrankfurterProvider:
    return FrankfurterProvider.from_settings("https://frankfurter.test/v1", 1.5, 0.5,
                                             transport=httpx.MockTransport(frankfurter.handler))


@pytest.fixture
def redis() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(decode_responses=True)


@pytest.fixture
def service(provider: FrankfurterProvider, redis: fakeredis.FakeRedis) -> RatesService:
    return RatesService(provider, RatesCache(redis), today=lambda: TODAY)


@pytest.fixture
def client(service: RatesService) -> Iterator[TestClient]:
    app.dependency_overrides[rates_service] = lambda: service
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(rates_service, None)

