"""Settings of the auth service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator

from bank_shared.kms import key_id_problems
from bank_shared.settings import ServiceSettings


class AuthSettings(ServiceSettings):
    # KMS keys (docs/keys.md). The defaults are the local stack's aliases, refused outside local/test.
    jwt_signing_key_id: str = "alias/bank-local-jwt-signing"  # RSA_2048 SIGN_VERIFY; -previous/-next rotate
    data_key_id: str = "alias/bank-local-data"  # symmetric key sealing TOTP secrets (envelope encryption)
    signing_keys_cache_seconds: int = 60  # public keys (JWKS) are re-read from KMS at most this often
    access_token_ttl_seconds: int = 900
    service_token_ttl_seconds: int = 300
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # A rotated refresh token is honoured once more for this long (a reload or a second tab racing a refresh,
    # docs/security.md); 0 turns the grace window off. Older tokens and a second reuse revoke the family.
    refresh_reuse_grace_seconds: int = Field(default=20, ge=0, le=300)
    activation_token_ttl_seconds: int = 24 * 3600
    password_reset_token_ttl_seconds: int = 3600
    # The set-password link of the welcome mail a customer created in the office receives: days, not an hour.
    welcome_link_ttl_seconds: int = 7 * 24 * 3600
    login_max_failures: int = 5
    login_failure_window_seconds: int = 900
    login_lockout_seconds: int = 300
    login_lockout_max_seconds: int = 3600
    mfa_issuer_name: str = "Bank"
    # Activation and password-reset mails one address can be sent per clock hour; more requests are absorbed.
    link_mails_per_address_per_hour: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _refuse_local_keys(self) -> AuthSettings:
        problems = key_id_problems(self.app_env, {"JWT_SIGNING_KEY_ID": self.jwt_signing_key_id,
                                                  "DATA_KEY_ID": self.data_key_id})
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def longest_token_ttl_seconds(self) -> int:
        """How long a signed access token can stay valid (a retired key must outlive it)."""
        return max(self.access_token_ttl_seconds, self.service_token_ttl_seconds)


@lru_cache(maxsize=1)
def get_auth_settings() -> AuthSettings:
    return AuthSettings()
