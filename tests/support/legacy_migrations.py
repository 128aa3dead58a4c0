"""The former forward-only runner (bank_shared/migrations.py before Alembic), kept only so tests can build
databases exactly as it left them and prove Alembic adopts them. Its logic is unchanged: the shared
baseline files, then the service's own `migrations/*.sql` in name order, one transaction per file,
`schema_migrations(version, checksum, applied_at)` with sha256 checksums, the same advisory lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.stack import REPO_ROOT

SHARED_SQL_DIR = REPO_ROOT / "shared" / "bank_shared" / "sql"
_LOCK_ID = 7_340_021

# Files written after the switch to Alembic: the former runner never ran them (a database it left behind is at
# most at the file before each), so Alembic applies them on adoption.
WRITTEN_AFTER_THE_SWITCH = frozenset({
    "shared/0002_retention_indexes.sql",
    "auth/0004_sealed_totp_secrets.sql", "auth/0005_link_mail_quota.sql",
    "ledger/0006_balance_ceiling_and_reversals.sql",
    "notifications/0004_recipient_cap.sql",
    "office/0002_approvals.sql",
    "contracts/0002_reference_templates.sql",
})


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def service_migrations_dir(service: str, repo_root: Path = REPO_ROOT) -> Path:
    return repo_root / "functions" / service / f"{service}_service" / "migrations"


def load_migrations(service_dir: Path | None, shared_dir: Path = SHARED_SQL_DIR, *,
                    only_before_the_switch: bool = True) -> list[Migration]:
    """The shared baseline first, then the service's own files in name order: those the former runner knew
    (or every file, in the same order, with only_before_the_switch=False)."""
    def known(name: str) -> bool:
        return not only_before_the_switch or name not in WRITTEN_AFTER_THE_SWITCH

    found = [Migration(f"shared/{p.name}", p.read_text()) for p in sorted(shared_dir.glob("*.sql"))
             if known(f"shared/{p.name}")]
    if service_dir is not None and service_dir.is_dir():
        service = service_dir.parent.name.removesuffix("_service")
        found += [Migration(p.name, p.read_text()) for p in sorted(service_dir.glob("*.sql"))
                  if known(f"{service}/{p.name}")]
    return found


def written_after_the_switch(service: str) -> list[str]:
    """The Alembic revisions (`<service>_NNNN`, `shared_NNNN`) of the files the former runner never ran."""
    return sorted(f"{name.split('/')[0]}_{name.split('/')[1][:4]}" for name in WRITTEN_AFTER_THE_SWITCH
                  if name.split("/")[0] in (service, "shared"))


def apply_migrations(database_url: str, migrations: list[Migration]) -> list[str]:
    """Apply what is not yet applied; refuse if an applied file changed. Returns the versions applied."""
    applied_now: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
            known: dict[str, str] = dict(rows)
            for migration in migrations:
                if migration.version in known:
                    if known[migration.version] != migration.checksum:
                        raise RuntimeError(f"migration {migration.version} changed after it was applied")
                    continue
                with conn.transaction():
                    conn.execute(migration.sql.encode())
                    conn.execute(
                        "INSERT INTO schema_migrations (version, checksum) VALUES (%s, %s)",
                        (migration.version, migration.checksum),
                    )
                applied_now.append(migration.version)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    return applied_now


def migrate_service(service: str, database_url: str, repo_root: Path = REPO_ROOT) -> list[str]:
    return apply_migrations(database_url, load_migrations(service_migrations_dir(service, repo_root)))
