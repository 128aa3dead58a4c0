"""Users, one-time tokens, refresh-token families and OAuth2 clients."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_auth.sql"


def upgrade() -> None:
    apply_sql(SQL)
