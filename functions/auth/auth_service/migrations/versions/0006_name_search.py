"""Name search in any script: a normalised, trigram-indexed search column on users (issue 15)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0006"
down_revision = "auth_0005"
SQL = Path(__file__).parents[1] / "0006_name_search.sql"


def upgrade() -> None:
    apply_sql(SQL)
