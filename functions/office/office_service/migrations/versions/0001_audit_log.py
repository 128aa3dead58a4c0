"""The back office's append-only audit log."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "office_0001"
down_revision = "shared_0001"
SQL = Path(__file__).parents[1] / "0001_audit_log.sql"


def upgrade() -> None:
    apply_sql(SQL)
