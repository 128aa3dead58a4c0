"""fx integration tests: the real Redis and the Frankfurter stand-in of the running local stack.

The stand-in's fault mode is shared by everything using the stack; `standin` restores mode "ok" after
every test, whatever happened.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis as redis_lib
from fastapi.testclient import TestClient
from fx_standin_control import StandIn

from fx_service.api import app
from fx_service.cache import RatesCache
from fx_service.dependencies import rates_service
from fx_service.providers import FrankfurterProvider
from fx_service.service import RatesService
from tests.support.stack import stack


@pytest.fixture(scope="session")
def frankfurter_url() -> str:
    return str(stack()["frankfurter_url"])


@pytest.fixture
def standin(frankfurter_url: str) -> Iterator[StandIn]:
    control = StandIn(frankfurter_url)
    control.mode("ok")
    try:
        yield control
    finally:
        control.mode("ok")


@pytest.fixture(scope="session")
def redis() -> Iterator[redis_lib.Redis]:
    client = redis_lib.Redis.from_url(str(stack()["redis_url"]), decode_responses=True, socket_timeout=2)
    client.ping()
    yield client
    client.close()


@pytest.fixture
def service(frankfurter_url: str, redis: redis_lib.Redis) -> RatesService:
    provider = FrankfurterProvider.from_settings(frankfurter_url, timeout_seconds=1.5, connect_timeout_seconds=0.5)
    return RatesService(provider, RatesCache(redis))


@pytest.fixture
def client(service: RatesService) -> Iterator[TestClient]:
    app.dependency_overrides[rates_service] = lambda: service
    try:
        yield TestClient(app, raise_server_exceptions=False)
    finally:
        app.dependency_overrides.pop(rates_service, None)
