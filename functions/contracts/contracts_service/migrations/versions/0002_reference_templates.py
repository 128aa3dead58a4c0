"""The bank's contract templates with their version 1 (reference data every environment needs)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "contracts_0002"
down_revision = "contracts_0001"
SQL = Path(__file__).parents[1] / "0002_reference_templates.sql"


def upgrade() -> None:
    apply_sql(SQL)
