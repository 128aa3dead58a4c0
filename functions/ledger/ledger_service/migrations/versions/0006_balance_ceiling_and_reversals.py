"""A ceiling on every balance, who approved a staff posting, a transaction reversed at most once (F3)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0006"
down_revision = "ledger_0005"
SQL = Path(__file__).parents[1] / "0006_balance_ceiling_and_reversals.sql"


def upgrade() -> None:
    apply_sql(SQL)
