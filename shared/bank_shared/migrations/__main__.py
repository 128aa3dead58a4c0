"""python -m bank_shared.migrations upgrade|current|history [--service X ...] [--stack-file .local/stack.json]

upgrade  adopt a database the former runner migrated, apply pending revisions, re-apply changed functions
current  each database's revision, what is pending, stored functions that changed since they were applied
history  each service's revisions, base first (no database needed)

The databases are the ones the local stack's stack.json names (`make up` writes it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bank_shared.migrations import MigrationError, current, history, upgrade_head
from bank_shared.tools.registry import service_names

_REPO = Path(__file__).resolve().parents[3]


def _importable(service: str) -> None:
    """In a checkout the functions' packages are not installed: put the service's folder on the path (a
    convenience of this command only; upgrade_head itself finds migrations through the package)."""
    folder = _REPO / "functions" / service
    if folder.is_dir() and str(folder) not in sys.path:
        sys.path.append(str(folder))


def _database_urls(stack_file: Path) -> dict[str, str]:
    if not stack_file.is_file():
        raise MigrationError(f"{stack_file} is missing: run `make up` first")
    services = json.loads(stack_file.read_text())["services"]
    return {name: str(entry["database_url"]) for name, entry in services.items()}


def _upgrade(service: str, url: str) -> None:
    began = time.monotonic()
    applied = upgrade_head(service, url, report=lambda line: print(f"  {line}", flush=True))
    took = time.monotonic() - began
    functions = sum(1 for item in applied if item.startswith("functions/"))
    done = f"{len(applied) - functions} revision(s), {functions} function file(s) applied" if applied else "up to date"
    print(f"{service}: {done} ({took:.1f}s)", flush=True)


def _current(service: str, url: str) -> None:
    status = current(service, url)
    where = ", ".join(status.revisions) or (
        f"not adopted yet (former runner: {len(status.legacy_versions)} files)" if status.legacy_versions else "empty")
    notes = []
    if status.pending:
        notes.append(f"pending {', '.join(status.pending)}")
    if status.stale_functions:
        notes.append(f"changed functions {', '.join(status.stale_functions)}")
    print(f"{service:<14} {where}{'  (' + '; '.join(notes) + ')' if notes else ' (head)'}", flush=True)


def _history(service: str) -> None:
    revisions = history(service)
    print(f"{service}:")
    for r in revisions:
        after = ", ".join(r.down_revisions) or "<base>"
        source = f"  [{'bank_shared/sql/' if r.shared else ''}{r.sql_file}]" if r.sql_file else ""
        print(f"  {after} -> {r.revision}: {r.doc}{source}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bank_shared.migrations", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("upgrade", "current", "history"))
    parser.add_argument("--service", action="append", choices=service_names(),
                        help="repeatable; default: every service")
    parser.add_argument("--stack-file", type=Path, default=Path(".local/stack.json"),
                        help="the local stack's connection info (default: .local/stack.json)")
    args = parser.parse_args(argv)
    services = args.service or list(service_names())
    try:
        for service in services:
            _importable(service)
        if args.command == "history":
            for service in services:
                _history(service)
            return 0
        urls = _database_urls(args.stack_file)
        run = _upgrade if args.command == "upgrade" else _current
        for service in services:
            run(service, urls[service])
    except MigrationError as exc:
        print(f"migrations failed: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
