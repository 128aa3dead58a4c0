"""Providers managed by admins: the settlement-number sequence and the providers' change time."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "utilities_0002"
down_revision = "utilities_0001"
SQL = Path(__file__).parents[1] / "0002_provider_admin.sql"


def upgrade() -> None:
    apply_sql(SQL)
