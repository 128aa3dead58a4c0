"""Stored mail bodies keep no live one-time token."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0003"
down_revision = "notifications_0002"
SQL = Path(__file__).parents[1] / "0003_mail_bodies_without_tokens.sql"


def upgrade() -> None:
    apply_sql(SQL)
