"""Indexes the scheduled retention prunes by (outbox, processed events, Idempotency-Key responses)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "shared_0002"
down_revision = "shared_0001"
SQL = Path(__file__).parents[2] / "sql" / "0002_retention_indexes.sql"


def upgrade() -> None:
    apply_sql(SQL)
