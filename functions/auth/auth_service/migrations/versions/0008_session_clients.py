"""The client summary and network prefix of each refresh token, for the active-sessions list (issue 14)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0008"
down_revision = "auth_0007"
SQL = Path(__file__).parents[1] / "0008_session_clients.sql"


def upgrade() -> None:
    apply_sql(SQL)
