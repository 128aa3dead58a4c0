"""The outbox relay's lease (outbox.leased_until): rows are claimed for publishing without holding row locks."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "shared_0003"
down_revision = "shared_0002"
SQL = Path(__file__).parents[2] / "sql" / "0003_outbox_lease.sql"


def upgrade() -> None:
    apply_sql(SQL)
