"""Web push subscriptions and deliveries (issue 13)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0007"
down_revision = "notifications_0006"
SQL = Path(__file__).parents[1] / "0007_push_subscriptions.sql"


def upgrade() -> None:
    apply_sql(SQL)
