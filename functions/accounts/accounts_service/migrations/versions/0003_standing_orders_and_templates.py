"""Standing orders with one row per occurrence, and payment templates (issue 17)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0003"
down_revision = "accounts_0002"
SQL = Path(__file__).parents[1] / "0003_standing_orders_and_templates.sql"


def upgrade() -> None:
    apply_sql(SQL)
