"""Per-kind channel preferences (issue 13)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0006"
down_revision = "notifications_0005"
SQL = Path(__file__).parents[1] / "0006_channel_preferences.sql"


def upgrade() -> None:
    apply_sql(SQL)
