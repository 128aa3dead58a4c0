"""Service-to-service identity: OAuth2 client-credentials tokens from the auth service.

Each service has a client id (its name) and a secret in Secrets Manager (`bank/<stage>/clients/<service>`,
JSON `{"client_id", "client_secret"}`); the token is cached until shortly before it expires.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bank_shared.aws import secret_json
from bank_shared.errors import DependencyUnavailable
from bank_shared.observability import trace_library
from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore

_REFRESH_MARGIN_SECONDS = 30
_lock = threading.Lock()
_cached: tuple[str, float] | None = None


def client_secret_id() -> str:
    settings = get_settings()
    return f"bank/{settings.app_env if settings.app_env != 'test' else 'local'}/clients/{settings.service_name}"


def service_token() -> str:
    """A bearer token for calling other services as this service (role `service`).

    A 401 means the secret cached for this execution environment is stale (the client secret was rotated,
    or regenerated when a local LocalStack restarted): the secret is read again once before giving up."""
    global _cached
    with _lock:
        if _cached is not None and _cached[1] - _REFRESH_MARGIN_SECONDS > time.time():
            return _cached[0]
        response = _request_token()
        if response.status_code == 401:
            secret_json.cache_clear()
            response = _request_token()
        if response.status_code != 200:
            raise DependencyUnavailable(f"auth refused the client credentials ({response.status_code})",
                                        dependency="auth")
        body = response.json()
        _cached = (str(body["access_token"]), time.time() + int(body.get("expires_in", 300)))
        return _cached[0]


def _request_token() -> Any:
    credentials = secret_json(client_secret_id())
    settings = get_settings()
    trace_library("httpx")
    import httpx

    try:
        return httpx.post(
            f"{settings.jwt_issuer}/token",
            data={"grant_type": "client_credentials", "client_id": credentials["client_id"],
                  "client_secret": credentials["client_secret"]},
            timeout=settings.http_timeout_seconds,
        )
    except httpx.TransportError as error:
        raise DependencyUnavailable("auth is unreachable", dependency="auth") from error


@reset_on_restore
def forget_service_token() -> None:
    global _cached
    _cached = None
