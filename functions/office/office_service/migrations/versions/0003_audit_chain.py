"""The audit log and the approvals hash-chained into audit_chain (tamper-evident, issue 15 item 6)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "office_0003"
down_revision = "office_0002"
SQL = Path(__file__).parents[1] / "0003_audit_chain.sql"


def upgrade() -> None:
    apply_sql(SQL)
