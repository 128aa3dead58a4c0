"""Deliveries queued in the consumer transaction, sent after it (issue 16)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0008"
down_revision = "notifications_0007"
SQL = Path(__file__).parents[1] / "0008_delivery_queue.sql"


def upgrade() -> None:
    apply_sql(SQL)
