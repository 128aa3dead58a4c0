"""One lazily created Redis client per execution environment."""

from __future__ import annotations

from typing import Any

from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore

_client: Any = None


def get_redis() -> Any:
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            get_settings().redis_url, socket_timeout=1.0, socket_connect_timeout=1.0, decode_responses=True
        )
    return _client


@reset_on_restore
def reset_redis() -> None:
    global _client
    _client = None
