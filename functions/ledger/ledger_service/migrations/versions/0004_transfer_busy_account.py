"""ledger_transfer_apply joins the hot account's combiner when both are busy."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0004"
down_revision = "ledger_0003"
SQL = Path(__file__).parents[1] / "0004_transfer_busy_account.sql"


def upgrade() -> None:
    apply_sql(SQL)
