"""TOTP secrets sealed with the KMS data key (envelope encryption) instead of plaintext base32."""

from pathlib import Path

from bank_shared.migrations.revision import apply_sql

revision = "auth_0004"
down_revision = "auth_0003"
SQL = Path(__file__).parents[1] / "0004_sealed_totp_secrets.sql"


def upgrade() -> None:
    apply_sql(SQL)
