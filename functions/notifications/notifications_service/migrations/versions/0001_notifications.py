"""Notifications (e-mail, web push) and their delivery state."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_notifications.sql"


def upgrade() -> None:
    apply_sql(SQL)
