"""Settings of the auth service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    jwt_keys_secret_id: str = "bank/local/auth/jwt-signing-keys"
    signing_keys_cache_seconds: int = 60
    access_token_ttl_seconds: int = 900
    service_token_ttl_seconds: int = 300
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    activation_token_ttl_seconds: int = 24 * 3600
    password_reset_token_ttl_seconds: int = 3600
    login_max_failures: int = 5
    login_failure_window_seconds: int = 900
    login_lockout_seconds: int = 300
    login_lockout_max_seconds: int = 3600
    mfa_issuer_name: str = "Bank"
    # Activation and password-reset mails one address can be sent per clock hour; more requests are absorbed.
    link_mails_per_address_per_hour: int = Field(default=5, ge=1)


@lru_cache(maxsize=1)
def get_auth_settings() -> AuthSettings:
    return AuthSettings()
