"""A small forward-only migrations runner for each service's `migrations/*.sql`.

Why not Alembic or yoyo: the services use explicit SQL through psycopg 3 with no ORM, and each file is
plain SQL, so a runner of a few dozen lines (ordered files, checksums, an advisory lock, one transaction
per file) is all that is needed and adds nothing to the Lambda layer.

Usage: python -m bank_shared.migrations --stack-file .local/stack.json [--service ledger ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

SERVICES = ("auth", "customer", "office", "accounts", "ledger", "fx", "utilities", "contracts", "notifications")
SHARED_SQL_DIR = Path(__file__).parent / "sql"
REPO_ROOT = Path(__file__).resolve().parents[2]
_LOCK_ID = 7_340_021  # arbitrary constant: serialises concurrent runners on the same database


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def service_migrations_dir(service: str, repo_root: Path = REPO_ROOT) -> Path:
    return repo_root / "functions" / service / f"{service}_service" / "migrations"


def load_migrations(service_dir: Path | None) -> list[Migration]:
    """The shared baseline first, then the service's own files in name order."""
    found = [Migration(f"shared/{p.name}", p.read_text()) for p in sorted(SHARED_SQL_DIR.glob("*.sql"))]
    if service_dir is not None and service_dir.is_dir():
        found += [Migration(p.name, p.read_text()) for p in sorted(service_dir.glob("*.sql"))]
    return found


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack-file", type=Path, required=True, help="the launcher's .local/stack.json")
    parser.add_argument("--service", action="append", choices=SERVICES, help="default: every service")
    args = parser.parse_args(argv)
    stack = json.loads(args.stack_file.read_text())
    for service in args.service or SERVICES:
        applied = migrate_service(service, stack["services"][service]["database_url"])
        print(f"migrations {service}: {', '.join(applied) if applied else 'up to date'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
