"""What a revision file calls: run one SQL file unchanged inside the revision's transaction."""

from __future__ import annotations

from pathlib import Path

import psycopg
from alembic import op
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from bank_shared.migrations.plan import MigrationError

# The whole file in one simple-protocol call, as the former runner sent it: no parameters, so neither
# SQLAlchemy nor psycopg reads `%` or `:name` in the SQL as placeholders.
_AS_IS = {"no_parameters": True}


def apply_sql(path: Path) -> None:
    """Apply `path` (a versioned SQL file next to the revision) in the revision's transaction."""
    execute_file(op.get_bind(), path)


def read_sql(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MigrationError(f"cannot read {path.name}: {exc.strerror}") from None


def execute_file(connection: Connection, path: Path) -> None:
    sql = read_sql(path)
    try:
        connection.exec_driver_sql(sql, execution_options=_AS_IS)
    except DBAPIError as exc:
        raise MigrationError(describe_failure(path.name, sql, exc.orig)) from None


def describe_failure(name: str, sql: str, error: BaseException | None) -> str:
    """`0006_x.sql line 3: relation "nope" does not exist (SQLSTATE 42P01)`, not the whole file's text."""
    if not isinstance(error, psycopg.Error):
        return f"{name} failed: {type(error).__name__}"
    diag = error.diag
    where = ""
    if diag.statement_position:
        where = f" line {sql.count(chr(10), 0, int(diag.statement_position) - 1) + 1}"
    context = f" [{diag.context.strip()}]" if diag.context else ""
    return f"{name}{where}: {diag.message_primary or error}{context} (SQLSTATE {error.sqlstate})"
