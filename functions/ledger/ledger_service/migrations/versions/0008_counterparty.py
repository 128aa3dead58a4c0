"""The counterparty of each transaction, per account (`ledger_transactions.counterparties`)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0008"
down_revision = "ledger_0007"
SQL = Path(__file__).parents[1] / "0008_counterparty.sql"


def upgrade() -> None:
    apply_sql(SQL)
