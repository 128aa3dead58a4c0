"""Customers' KYC data, the document number sealed (issue 15)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0007"
down_revision = "auth_0006"
SQL = Path(__file__).parents[1] / "0007_customer_kyc.sql"


def upgrade() -> None:
    apply_sql(SQL)
