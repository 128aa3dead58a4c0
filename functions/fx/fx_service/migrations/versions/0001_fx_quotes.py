"""Quotes and their execution (open -> executing -> executed/refused)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "fx_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_fx_quotes.sql"


def upgrade() -> None:
    apply_sql(SQL)
