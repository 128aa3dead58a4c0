"""The double-entry ledger: accounts, transactions, postings, holds, enforced rules."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_ledger.sql"


def upgrade() -> None:
    apply_sql(SQL)
