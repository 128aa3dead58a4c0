"""The reason an admin gave for a savings rate."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0007"
down_revision = "accounts_0006"
SQL = Path(__file__).parents[1] / "0007_savings_rate_reason.sql"


def upgrade() -> None:
    apply_sql(SQL)
