"""A rotated refresh token accepted once more within the grace window (issue 14, docs/security.md)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0009"
down_revision = "auth_0008"
SQL = Path(__file__).parents[1] / "0009_refresh_grace.sql"


def upgrade() -> None:
    apply_sql(SQL)
