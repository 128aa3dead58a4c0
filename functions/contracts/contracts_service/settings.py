"""Settings of the contracts service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class ContractsSettings(ServiceSettings):
    # The private statements bucket (LocalStack creates `bank-local-statements`; SSM /s3/statements_bucket).
    statements_bucket: str = "bank-local-statements"
    document_prefix: str = "contracts/"
    document_url_ttl_seconds: int = 300
    # The template concluded when an account is opened (account.opened): per product code, else the default.
    account_agreement_templates: dict[str, str] = Field(default_factory=dict)
    default_account_agreement: str = "bank_account"
    # The consumer asks auth for the customer's name (the agreement names the parties).
    dependency_timeout_seconds: float = Field(default=3.0, gt=0, le=30)


@lru_cache(maxsize=1)
def get_contracts_settings() -> ContractsSettings:
    return ContractsSettings()
