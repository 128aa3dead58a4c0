"""Interest expense and accrued-interest system accounts per currency, and the `interest` transaction kind."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "ledger_0007"
down_revision = "ledger_0006"
SQL = Path(__file__).parents[1] / "0007_interest.sql"


def upgrade() -> None:
    apply_sql(SQL)
