"""Why a card is blocked: lost, stolen, suspicious or other (issue 14)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0008"
down_revision = "accounts_0007"
SQL = Path(__file__).parents[1] / "0008_card_block_reason.sql"


def upgrade() -> None:
    apply_sql(SQL)
