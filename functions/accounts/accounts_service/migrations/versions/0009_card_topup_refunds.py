"""Card top-ups the ledger refused are refunded to the card: refunding and refunded, the refund's id (issue 14)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0009"
down_revision = "accounts_0008"
SQL = Path(__file__).parents[1] / "0009_card_topup_refunds.sql"


def upgrade() -> None:
    apply_sql(SQL)
