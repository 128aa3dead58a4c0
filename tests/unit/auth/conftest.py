"""Unit-test fixtures for auth: moto's KMS with the local keys, and an in-memory Redis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


class FakeRedis:
    """The handful of commands the login throttle uses; TTLs are stored, time does not pass."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.ttls: dict[str, int] = {}

    def incr(self, key: str) -> int:
        self.values[key] = int(self.values.get(key, 0)) + 1
        return int(self.values[key])

    def expire(self, key: str, seconds: int) -> bool:
        self.ttls[key] = seconds
        return key in self.values

    def set(self, key: str, value: Any, ex: int | None = None) -> bool:
        self.values[key] = value
        if ex is not None:
            self.ttls[key] = ex
        return True

    def ttl(self, key: str) -> int:
        if key not in self.values:
            return -2
        return self.ttls.get(key, -1)

    def delete(self, *keys: str) -> int:
        removed = 0
        for key in keys:
            removed += int(self.values.pop(key, None) is not None)
            self.ttls.pop(key, None)
        return removed


@pytest.fixture
def redis() -> FakeRedis:
    return FakeRedis()


@pytest.fixture
def kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto KMS holding the local stack's keys (JWT signing, card token, data); key caches cleared around."""
    from auth_service.keys import forget_keys
    from tests.support.moto_kms import mocked_kms

    with mocked_kms(monkeypatch) as client:
        forget_keys()
        yield client
        forget_keys()
