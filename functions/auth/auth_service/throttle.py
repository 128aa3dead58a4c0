"""Brute-force protection for sign-in, keyed by the e-mail address (known or not, so it reveals nothing).

After `login_max_failures` failures inside the window the address is locked; each further lock within a
day doubles the lock time (backoff) up to `login_lockout_max_seconds`. A success clears the counters.
If Redis is unreachable sign-in fails closed (503) rather than allowing unlimited guessing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from auth_service.errors import LoginLocked
from auth_service.settings import AuthSettings
from bank_shared.errors import DependencyUnavailable

_DAY = 24 * 3600


class LoginThrottle:
    def __init__(self, redis_factory: Callable[[], Any], settings: AuthSettings) -> None:
        self._redis_factory = redis_factory
        self._settings = settings

    @staticmethod
    def _keys(email: str) -> tuple[str, str, str]:
        digest = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
        return f"auth:login:fail:{digest}", f"auth:login:lock:{digest}", f"auth:login:locks:{digest}"

    def _redis(self) -> Any:
        return self._redis_factory()

    def ensure_not_locked(self, email: str) -> None:
        _fail, lock, _locks = self._keys(email)
        try:
            remaining = int(self._redis().ttl(lock))
        except Exception as error:  # any Redis failure: fail closed
            raise DependencyUnavailable("Sign-in is temporarily unavailable", dependency="redis") from error
        if remaining > 0:
            raise LoginLocked(f"Try again in {remaining} s", headers={"Retry-After": str(remaining)})

    def record_failure(self, email: str) -> int | None:
        """Count a failure; returns the lock duration when this failure locked the address."""
        fail, lock, locks = self._keys(email)
        redis = self._redis()
        failures = int(redis.incr(fail))
        if failures == 1:
            redis.expire(fail, self._settings.login_failure_window_seconds)
        if failures < self._settings.login_max_failures:
            return None
        previous_locks = int(redis.incr(locks)) - 1
        redis.expire(locks, _DAY)
        duration: int = min(self._settings.login_lockout_seconds * (2**previous_locks),
                       self._settings.login_lockout_max_seconds)
        redis.set(lock, "1", ex=duration)
        redis.delete(fail)
        return duration

    def record_success(self, email: str) -> None:
        fail, _lock, locks = self._keys(email)
        self._redis().delete(fail, locks)
