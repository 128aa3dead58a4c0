"""Settings of the auth service."""

from __future__ import annotations

from functools import lru_cache

from bank_shared.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    jwt_keys_secret_id: str = "bank/local/auth/jwt-signing-keys"
    access_token_ttl_seconds: int = 900


@lru_cache(maxsize=1)
def get_auth_settings() -> AuthSettings:
    return AuthSettings()
