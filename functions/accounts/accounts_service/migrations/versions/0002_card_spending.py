"""Card spending: card limits and the card network's authorizations (docs/cards.md)."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "accounts_0002"
down_revision = "accounts_0001"
SQL = Path(__file__).parents[1] / "0002_card_spending.sql"


def upgrade() -> None:
    apply_sql(SQL)
