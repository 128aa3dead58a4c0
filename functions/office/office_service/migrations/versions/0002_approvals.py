"""Maker-checker: money requests that wait for a second employee (F3)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "office_0002"
down_revision = "office_0001"
SQL = Path(__file__).parents[1] / "0002_approvals.sql"


def upgrade() -> None:
    apply_sql(SQL)
