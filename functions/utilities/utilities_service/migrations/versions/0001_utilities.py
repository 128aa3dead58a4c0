"""Utility providers and the payments customers make to them."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "utilities_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_utilities.sql"


def upgrade() -> None:
    apply_sql(SQL)
