"""Transfers in one round trip and the per-account combiner queue."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0003"
down_revision = "ledger_0002"
SQL = Path(__file__).parents[1] / "0003_transfer_function.sql"


def upgrade() -> None:
    apply_sql(SQL)
