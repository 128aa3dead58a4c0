"""Accounts, products and cards (identity, ownership, status; balances live in the ledger)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_accounts.sql"


def upgrade() -> None:
    apply_sql(SQL)
