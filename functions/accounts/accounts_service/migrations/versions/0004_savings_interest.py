"""Savings rates with effective dates, daily interest accruals and monthly capitalizations (issue 17)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0004"
down_revision = "accounts_0003"
SQL = Path(__file__).parents[1] / "0004_savings_interest.sql"


def upgrade() -> None:
    apply_sql(SQL)
