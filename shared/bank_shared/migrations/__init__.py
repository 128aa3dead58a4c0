"""Database migrations of every service, run by Alembic (docs/migrations.md).

Each service's package holds its versioned SQL files (`<svc>_service/migrations/NNNN_*.sql`), one revision
file per SQL file that applies it unchanged (`migrations/versions/NNNN_*.py`) and one file per stored
function (`migrations/functions/<name>.sql`, re-applied whenever it changes). The Alembic environment,
the shared baseline revision (`shared_0001`), the adoption of databases the former runner migrated and
the CLI are written once, here:

    python -m bank_shared.migrations upgrade|current|history [--service X ...] [--stack-file .local/stack.json]

Alembic and SQLAlchemy are imported only when one of these functions runs, never by a service's handler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bank_shared.migrations.plan import MigrationError, Revision, Status

__all__ = ["MigrationError", "Revision", "Status", "current", "history", "upgrade_head"]

_log = logging.getLogger(__name__)


def upgrade_head(service: str, database_url: str, *, report: Callable[[str], None] | None = None) -> list[str]:
    """Bring the service's database to head: adopt a database the former runner migrated, run every pending
    revision, re-apply changed stored-function files. Returns what was applied now (revision ids, then
    `functions/<file>`); empty when the database was up to date.

    Raises MigrationError on any failure (the message names the step and never holds the password); a failed
    revision leaves the database at the revision before it. Concurrent calls on one database take turns.
    `report` receives one line per step (default: this module's logger)."""
    from bank_shared.migrations import runner

    return runner.upgrade_head(service, database_url, report or _log.info)


def current(service: str, database_url: str) -> Status:
    """Where the service's database stands: its revision(s), what is pending, stale stored functions."""
    from bank_shared.migrations import runner

    return runner.current(service, database_url)


def history(service: str) -> list[Revision]:
    """The service's revisions, base first (no database needed)."""
    from bank_shared.migrations import runner

    return runner.history(service)
