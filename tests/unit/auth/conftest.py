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


@pytest.fixture
def realm(monkeypatch: pytest.MonkeyPatch, redis: FakeRedis) -> Any:
    """auth's use cases over in-memory repositories (tests/support/fakes) and Redis in memory. KMS signing and
    sealing (test_kms_keys.py) are stood in for by an unsigned JWT and a reversible seal bound to the user, and
    argon2id runs with its smallest parameters, so a rule test costs milliseconds."""
    from argon2 import PasswordHasher
    from auth_fakes import Realm, UnsignedKeyRing, open_sealed, seal

    from auth_service import account_security, administration, lifecycle, mfa, passwords, repository, service, tokens
    from auth_service.settings import get_auth_settings
    from auth_service.throttle import LoginThrottle
    from tests.support.fakes import FakeDatabase, install
    from tests.support.fakes.auth import (
        AuthStore,
        InMemoryClients,
        InMemoryLinkMailQuota,
        InMemoryOneTimeTokens,
        InMemoryRefreshTokens,
        InMemoryUsers,
    )

    db, store = FakeDatabase(), AuthStore()
    for real, fake in ((repository.UserRepository, InMemoryUsers), (repository.ClientRepository, InMemoryClients),
                       (repository.OneTimeTokenRepository, InMemoryOneTimeTokens),
                       (repository.RefreshTokenRepository, InMemoryRefreshTokens),
                       (repository.LinkMailQuotaRepository, InMemoryLinkMailQuota)):
        db.register(real, fake(store))
        install(monkeypatch, real, service)
    for real in (repository.UserRepository, repository.RefreshTokenRepository):
        install(monkeypatch, real, lifecycle)  # the back office's use cases on users (block, deactivate, roles)
        install(monkeypatch, real, account_security)  # the user's own: password, sessions, MFA setup
    install(monkeypatch, repository.UserRepository, administration)  # roles, staff and customer accounts, search
    world = Realm(db, store, LoginThrottle(lambda: redis, get_auth_settings()))
    monkeypatch.setattr(service, "revoke_sessions", world.revoke_sessions)
    monkeypatch.setattr(tokens, "key_ring", UnsignedKeyRing)
    monkeypatch.setattr(mfa, "seal_secret", seal)
    monkeypatch.setattr(mfa, "open_secret", open_sealed)
    monkeypatch.setattr(passwords, "hasher", lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    return world
