"""The inbox kind card_topup_refunded (issue 14 item 4)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "notifications_0009"
down_revision = "notifications_0008"
SQL = Path(__file__).parents[1] / "0009_card_topup_refunded.sql"


def upgrade() -> None:
    apply_sql(SQL)
