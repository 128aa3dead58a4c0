"""Phone lookup for P2P transfers (index on the phone's digits)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0002"
down_revision = "auth_0001"
SQL = Path(__file__).parents[1] / "0002_phone_lookup.sql"


def upgrade() -> None:
    apply_sql(SQL)
