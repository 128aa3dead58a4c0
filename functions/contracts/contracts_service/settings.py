"""Settings of the contracts service."""

from __future__ import annotations

from functools import lru_cache

from bank_shared.settings import ServiceSettings


class ContractsSettings(ServiceSettings):
    # The private statements bucket (LocalStack creates `bank-local-statements`; SSM /s3/statements_bucket).
    statements_bucket: str = "bank-local-statements"
    document_prefix: str = "contracts/"
    document_url_ttl_seconds: int = 300


@lru_cache(maxsize=1)
def get_contracts_settings() -> ContractsSettings:
    return ContractsSettings()
