"""Currency exchange through the fx_position system accounts."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0002"
down_revision = "ledger_0001"
SQL = Path(__file__).parents[1] / "0002_exchange.sql"


def upgrade() -> None:
    apply_sql(SQL)
