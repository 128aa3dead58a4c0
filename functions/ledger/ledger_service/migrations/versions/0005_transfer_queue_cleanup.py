"""ledger_transfer_lead also drops long-abandoned queued requests."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0005"
down_revision = "ledger_0004"
SQL = Path(__file__).parents[1] / "0005_transfer_queue_cleanup.sql"


def upgrade() -> None:
    apply_sql(SQL)
