"""Unit-test fixtures for auth: moto's Secrets Manager with a signing key, and an in-memory Redis."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

KEYS_SECRET = "bank/local/auth/jwt-signing-keys"


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
def signing_secret() -> Iterator[Any]:
    """moto Secrets Manager holding one current key; caches are cleared around the test."""
    from moto import mock_aws

    from auth_service.keys import forget_keys, new_key_entry
    from bank_shared.aws import reset_clients

    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        reset_clients()
        forget_keys()
        from bank_shared.aws import client

        sm = client("secretsmanager")
        sm.create_secret(Name=KEYS_SECRET, SecretString=json.dumps({"current": new_key_entry(), "previous": None}))
        yield sm
        forget_keys()
        reset_clients()
