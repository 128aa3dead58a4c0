"""Settings of the accounts service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import model_validator

from bank_shared.kms import key_id_problems
from bank_shared.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    bank_bic: str = "044525999"
    branch_code: str = "0001"
    card_bin: str = "220099"
    # KMS HMAC_256 key tokenising PANs (docs/keys.md); the local stack's alias is refused outside local/test.
    card_token_key_id: str = "alias/bank-local-card-token"
    ledger_timeout_seconds: float = 2.0
    # Card spending (docs/cards.md): the card network's HMAC key (a Secrets Manager secret {"key": …}), how long
    # an authorization's hold lasts, the markup over the reference rate for foreign-currency purchases, how long
    # an authorization may stay half-done (an outage between the hold and its answer) before the sweep settles it.
    card_network_key_secret_id: str = "bank/local/accounts/card-network-key"
    card_authorization_ttl_seconds: int = 7 * 24 * 3600
    card_fx_markup_bps: int = 150
    card_holding_grace_seconds: int = 120
    card_sweep_batch: int = 200
    # Standing orders (docs/products.md): one payment call, how many runs one sweep takes, retries when short.
    payments_timeout_seconds: float = 10.0
    standing_order_batch: int = 50
    standing_order_retry_days: int = 3
    # Card top-ups (docs/payments.md "Money in"): the acquirer's API and its credentials (a Secrets Manager
    # secret {"shop_id", "secret_key", "webhook_key"}), the amounts and currencies taken, where the payment page
    # sends the browser back (the SPA), when the schedule asks the acquirer about a top-up still open.
    acquirer_url: str = "http://127.0.0.1:8097"
    acquirer_secret_id: str = "bank/local/accounts/acquirer"
    acquirer_timeout_seconds: float = 5.0
    card_topup_min_minor: int = 1_000
    card_topup_max_minor: int = 30_000_000
    card_topup_currencies: str = "RUB"
    card_topup_reconcile_after_seconds: int = 900
    card_topup_sweep_batch: int = 50
    spa_base_url: str = "http://127.0.0.1:3000"

    @model_validator(mode="after")
    def _refuse_local_keys(self) -> AccountsSettings:
        problems = key_id_problems(self.app_env, {"CARD_TOKEN_KEY_ID": self.card_token_key_id})
        if problems:
            raise ValueError("; ".join(problems))
        return self


@lru_cache(maxsize=1)
def get_accounts_settings() -> AccountsSettings:
    return AccountsSettings()


def ledger_timeout() -> float:
    """How long a call to the ledger (accounts' registry, card holds, top-ups) may take."""
    return get_accounts_settings().ledger_timeout_seconds


def payments_timeout() -> float:
    """How long a money-moving call of standing orders and interest may take."""
    return get_accounts_settings().payments_timeout_seconds
