"""Hourly quota of one-time-link mails per address (F8)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0005"
down_revision = "auth_0004"
SQL = Path(__file__).parents[1] / "0005_link_mail_quota.sql"


def upgrade() -> None:
    apply_sql(SQL)
