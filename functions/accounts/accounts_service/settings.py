"""Settings of the accounts service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import SecretStr

from bank_shared.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    bank_bic: str = "044525999"
    branch_code: str = "0001"
    card_bin: str = "220099"
    # Keyed tokenisation of PANs; a real deployment reads it from Secrets Manager.
    card_token_key: SecretStr = SecretStr("local-card-token-key-not-for-production")
    ledger_timeout_seconds: float = 2.0


@lru_cache(maxsize=1)
def get_accounts_settings() -> AccountsSettings:
    return AccountsSettings()
