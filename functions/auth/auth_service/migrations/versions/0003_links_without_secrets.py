"""One-time links issued while tokens travelled in events stop working."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0003"
down_revision = "auth_0002"
SQL = Path(__file__).parents[1] / "0003_links_without_secrets.sql"


def upgrade() -> None:
    apply_sql(SQL)
