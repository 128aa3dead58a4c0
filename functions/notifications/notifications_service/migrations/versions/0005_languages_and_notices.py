"""Languages of users and the inbox kinds of the new consumers (issue 13)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0005"
down_revision = "notifications_0004"
SQL = Path(__file__).parents[1] / "0005_languages_and_notices.sql"


def upgrade() -> None:
    apply_sql(SQL)
