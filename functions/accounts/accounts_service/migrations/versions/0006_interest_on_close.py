"""Accrued days paid into a savings account when it is closed, before their month's capitalization."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0006"
down_revision = "accounts_0005"
SQL = Path(__file__).parents[1] / "0006_interest_on_close.sql"


def upgrade() -> None:
    apply_sql(SQL)
