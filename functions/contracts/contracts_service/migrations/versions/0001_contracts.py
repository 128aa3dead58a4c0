"""Contract templates with immutable versions, contracts and their status history."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "contracts_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_contracts.sql"


def upgrade() -> None:
    apply_sql(SQL)
