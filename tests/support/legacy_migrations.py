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

# The files that existed when the project switched to Alembic: the former runner knew these and no others, so a
# database it left behind is at most at them; every later file is applied by Alembic on adoption.
KNOWN_AT_THE_SWITCH = frozenset({
    "shared/0001_shared_baseline.sql",
    "accounts/0001_accounts.sql",
    "auth/0001_auth.sql", "auth/0002_phone_lookup.sql", "auth/0003_links_without_secrets.sql",
    "contracts/0001_contracts.sql",
    "fx/0001_fx_quotes.sql",
    "ledger/0001_ledger.sql", "ledger/0002_exchange.sql", "ledger/0003_transfer_function.sql",
    "ledger/0004_transfer_busy_account.sql", "ledger/0005_transfer_queue_cleanup.sql",
    "notifications/0001_notifications.sql", "notifications/0002_inbox.sql",
    "notifications/0003_mail_bodies_without_tokens.sql",
    "office/0001_audit_log.sql",
    "utilities/0001_utilities.sql",
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
                    only_before_the_switch: bool = True, service: str | None = None) -> list[Migration]:
    """The shared baseline first, then the service's own files in name order: those the former runner knew
    (or every file, in the same order, with only_before_the_switch=False). `service` names the service when
    the folder is a copy under another package name."""
    def known(name: str) -> bool:
        return not only_before_the_switch or name in KNOWN_AT_THE_SWITCH

    found = [Migration(f"shared/{p.name}", p.read_text()) for p in sorted(shared_dir.glob("*.sql"))
             if known(f"shared/{p.name}")]
    if service_dir is not None and service_dir.is_dir():
        service = service or service_dir.parent.name.removesuffix("_service")  # a copy may be named otherwise
        found += [Migration(p.name, p.read_text()) for p in sorted(service_dir.glob("*.sql"))
                  if known(f"{service}/{p.name}")]
    return found


def written_after_the_switch(service: str) -> list[str]:
    """The Alembic revisions (`<service>_NNNN`, `shared_NNNN`) of the files the former runner never ran."""
    files = [f"shared/{p.name}" for p in SHARED_SQL_DIR.glob("*.sql")]
    files += [f"{service}/{p.name}" for p in service_migrations_dir(service).glob("*.sql")]
    return sorted(f"{name.split('/')[0]}_{name.split('/')[1][:4]}" for name in files
                  if name not in KNOWN_AT_THE_SWITCH)


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
