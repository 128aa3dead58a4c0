"""Settings of the customer service: how long the dashboard waits for each part, and for money calls."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class CustomerSettings(ServiceSettings):
    # Each dashboard part is one service call; the whole dashboard answers within the deadline, naming
    # in `missing` whatever did not arrive in time.
    dashboard_part_timeout_seconds: float = Field(default=2.0, gt=0, le=10)
    dashboard_deadline_seconds: float = Field(default=2.5, gt=0, le=15)
    dashboard_recent_transactions: int = Field(default=10, ge=1, le=50)
    # Lookups and money movement (transfer, exchange).
    customer_dependency_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    # Recipient lookups (P2P by phone or account number) per customer: "N/SECONDS".
    recipient_lookup_limit: str = "30/3600"
    # Statements (PDF, CSV) go to the private statements bucket; the customer gets a short-lived link.
    statements_bucket: str = "bank-local-statements"
    statement_prefix: str = "statements/"
    statement_url_ttl_seconds: int = Field(default=300, ge=30, le=3600)
    statement_max_days: int = Field(default=366, ge=1, le=3660)


@lru_cache(maxsize=1)
def get_customer_settings() -> CustomerSettings:
    return CustomerSettings()
