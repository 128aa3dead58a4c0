"""Tables every service owns: the transactional outbox, processed events, stored Idempotency-Key responses."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "shared_0001"
down_revision = None
SQL = Path(__file__).parents[2] / "sql" / "0001_shared_baseline.sql"


def upgrade() -> None:
    apply_sql(SQL)
