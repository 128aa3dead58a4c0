"""A cap on mails per recipient (F8)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0004"
down_revision = "notifications_0003"
SQL = Path(__file__).parents[1] / "0004_recipient_cap.sql"


def upgrade() -> None:
    apply_sql(SQL)
