"""The in-app inbox, one entry per user per event and kind."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0002"
down_revision = "notifications_0001"
SQL = Path(__file__).parents[1] / "0002_inbox.sql"


def upgrade() -> None:
    apply_sql(SQL)
