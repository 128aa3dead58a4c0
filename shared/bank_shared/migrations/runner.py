"""Alembic runs against one service's database. Imported only when a migration command runs, so no
function's cold start pays for Alembic and SQLAlchemy (bank_shared.migrations imports this lazily).

An upgrade, under one advisory lock per database:
1. bookkeeping: `alembic_checksums` holds the checksum of every applied SQL file (revisions and stored
   functions); a database the former runner migrated (`schema_migrations`, no `alembic_version`) is adopted
   by stamping the revision its rows end at, after checking their checksums; an applied file whose text
   changed since is refused;
2. `alembic upgrade heads`, one transaction per revision (a failed revision leaves the previous one);
3. every stored-function file whose checksum differs from the applied one is re-applied (one transaction).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import Script, ScriptDirectory
from alembic.util import to_tuple
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from bank_shared.migrations import plan
from bank_shared.migrations.plan import MigrationError, Revision, Status
from bank_shared.migrations.revision import execute_file, read_sql

Report = Callable[[str], None]
# Alembic's `context` and `op` are process-wide proxies: one upgrade at a time per process (runs on one
# database take turns on the advisory lock anyway; this covers threads migrating different databases).
_ALEMBIC = threading.Lock()

# The former runner's lock id: an old runner and this one never migrate the same database at once.
LOCK_ID = 7_340_021
_CHECKSUMS_DDL = """
CREATE TABLE IF NOT EXISTS alembic_checksums (
    kind       text        NOT NULL CHECK (kind IN ('revision', 'function')),
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
)"""
_RECORD = text(
    "INSERT INTO alembic_checksums (kind, name, checksum) VALUES (:kind, :name, :checksum) "
    "ON CONFLICT (kind, name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()")


# --------------------------------------------------------------------------- where a service's migrations are


@dataclass(frozen=True)
class Sources:
    """A service's migrations, found through its importable package (repo checkout or `sam build` artifact)."""

    service: str
    script_dir: Path  # bank_shared/migrations: env.py, written once for every service
    version_dirs: tuple[Path, ...]  # bank_shared/migrations/versions (shared baseline), <svc>/migrations/versions
    sql_dir: Path | None  # <svc>_service/migrations (the versioned SQL files)

    @property
    def shared_versions(self) -> Path:
        return self.version_dirs[0]

    @property
    def functions_dir(self) -> Path | None:
        return self.sql_dir / "functions" if self.sql_dir else None


@contextmanager
def sources(service: str) -> Iterator[Sources]:
    package = f"{service}_service"
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        raise MigrationError(f"{service}: the package {package} is not importable") from None
    with ExitStack() as stack:
        shared = stack.enter_context(resources.as_file(resources.files("bank_shared.migrations")))
        versions = [shared / "versions"]
        sql_dir: Path | None = None
        own = root / "migrations"
        if own.is_dir():
            sql_dir = stack.enter_context(resources.as_file(own))
            if (sql_dir / "versions").is_dir():
                versions.append(sql_dir / "versions")
        yield Sources(service, shared, tuple(versions), sql_dir)


def _config(src: Sources) -> Config:
    config = Config()

    def option(name: str, value: str) -> None:
        config.set_main_option(name, value.replace("%", "%%"))  # ConfigParser interpolation

    option("script_location", str(src.script_dir))
    option("path_separator", "os")
    option("version_locations", os.pathsep.join(str(p) for p in src.version_dirs))
    return config


def _revision(script: Script, src: Sources) -> Revision:
    down = to_tuple(script.down_revision, default=()) + to_tuple(script.dependencies, default=())
    doc = (script.module.__doc__ or "").strip().splitlines()
    sql: Path | None = getattr(script.module, "SQL", None)
    if sql is None:
        return Revision(script.revision, tuple(down), doc[0] if doc else "")
    return Revision(script.revision, tuple(down), doc[0] if doc else "", sql.name, plan.checksum(read_sql(sql)),
                    shared=Path(script.path).resolve().parent == src.shared_versions.resolve())


def _load(service: str, src: Sources) -> tuple[Config, ScriptDirectory, list[Revision]]:
    config = _config(src)
    script = ScriptDirectory.from_config(config)
    revisions = [_revision(s, src) for s in reversed(list(script.walk_revisions()))]  # base first
    if src.sql_dir is not None:
        lost = plan.unreferenced_sql((p.name for p in src.sql_dir.glob("*.sql")), revisions)
        if lost:
            raise MigrationError(f"{service}: no revision applies {', '.join(lost)} "
                                 "(add a revision file to migrations/versions/, see docs/migrations.md)")
    return config, script, revisions


def _function_files(src: Sources) -> dict[str, Path]:
    folder = src.functions_dir
    return {p.name: p for p in sorted(folder.glob("*.sql"))} if folder and folder.is_dir() else {}


def _function_sums(files: dict[str, Path]) -> dict[str, str]:
    return {name: plan.checksum(read_sql(path)) for name, path in files.items()}


# --------------------------------------------------------------------------- the database side


def _engine(service: str, database_url: str) -> Engine:
    """The URL stays with psycopg: SQLAlchemy never sees (nor prints) the credentials. The URL's own
    connect_timeout / application_name win over these defaults."""
    given = conninfo_to_dict(database_url)
    defaults: dict[str, str | int] = {"connect_timeout": 10, "application_name": f"{service}-migrations"}
    conninfo = make_conninfo(database_url, **{key: value for key, value in defaults.items() if key not in given})

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(conninfo, prepare_threshold=None)

    return create_engine("postgresql+psycopg://", creator=connect, poolclass=NullPool)


@contextmanager
def _advisory_lock(connection: Connection, service: str, report: Report) -> Iterator[None]:
    """Concurrent runs (two deploys, a deploy and `make migrate`) take turns on the same database."""
    if not connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": LOCK_ID}).scalar():
        report(f"{service}: waiting for another migration run on this database")
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": LOCK_ID})
    connection.commit()
    try:
        yield
    finally:
        # A broken connection cannot unlock, but closing it (which follows) releases the lock anyway.
        with suppress(SQLAlchemyError, psycopg.Error):
            if connection.in_transaction():
                connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
            connection.commit()


def _exists(connection: Connection, table: str) -> bool:
    return bool(connection.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar())


def _legacy_rows(connection: Connection) -> dict[str, str]:
    if not _exists(connection, "schema_migrations"):
        return {}
    rows = connection.execute(text("SELECT version, checksum FROM schema_migrations"))
    return {str(version): str(sum_) for version, sum_ in rows}


def _recorded(connection: Connection, kind: str) -> dict[str, str]:
    if not _exists(connection, "alembic_checksums"):
        return {}
    rows = connection.execute(text("SELECT name, checksum FROM alembic_checksums WHERE kind = :k"), {"k": kind})
    return {str(name): str(sum_) for name, sum_ in rows}


def _record(connection: Connection, kind: str, name: str, checksum: str) -> None:
    connection.execute(_RECORD, {"kind": kind, "name": name, "checksum": checksum})


def _heads(connection: Connection) -> tuple[str, ...]:
    return tuple(MigrationContext.configure(connection).get_current_heads())


def _prepare(connection: Connection, service: str, script: ScriptDirectory, revisions: list[Revision],
             report: Report) -> None:
    """Bookkeeping table, adoption of a former-runner database, refusal of changed applied files."""
    with connection.begin():
        connection.exec_driver_sql(_CHECKSUMS_DDL)
        heads = _heads(connection)
        legacy = {} if heads else _legacy_rows(connection)
        if legacy:
            heads = plan.adoption(service, revisions, legacy)
            context = MigrationContext.configure(connection)
            for head in heads:
                context.stamp(script, head)
            report(f"{service}: adopted the former runner's {len(legacy)} applied files at {', '.join(heads)}")
        applied = plan.ancestors(revisions, heads)
        recorded = _recorded(connection, "revision")
        changed = plan.changed_after_apply(revisions, applied, recorded)
        if changed:
            raise MigrationError(
                f"{service}: {', '.join(changed)} changed after it was applied; restore the applied text and "
                "put the change into a new revision")
        for r in revisions:  # adopted (or stamped by hand): remember what was applied from now on
            if r.revision in applied and r.checksum and r.revision not in recorded:
                _record(connection, "revision", r.revision, r.checksum)


def _upgrade(config: Config, connection: Connection, service: str, revisions: list[Revision],
             report: Report) -> list[str]:
    by_id = {r.revision: r for r in revisions}
    applied: list[str] = []
    clock = [time.monotonic()]

    def on_version_apply(*, ctx: MigrationContext, step: MigrationInfo, **_: Any) -> None:
        # Called inside the revision's transaction, so its checksum commits (or not) with it.
        if not step.is_upgrade or step.is_stamp:
            return
        r = by_id[step.up_revision_id or ""]
        if r.checksum is not None:
            assert ctx.connection is not None
            _record(ctx.connection, "revision", r.revision, r.checksum)
        applied.append(r.revision)
        now = time.monotonic()
        report(f"{service}: applied {r.revision} ({r.sql_file or r.doc}) in {now - clock[0]:.2f}s")
        clock[0] = now

    config.attributes.update(connection=connection, on_version_apply=on_version_apply)
    with _ALEMBIC:
        command.upgrade(config, "heads")
    if connection.in_transaction():
        connection.commit()
    return applied


def _reapply_functions(connection: Connection, service: str, files: dict[str, Path], report: Report) -> list[str]:
    sums = _function_sums(files)
    with connection.begin():
        recorded = _recorded(connection, "function")
        stale = plan.stale_functions(sums, recorded)
        for name in stale:
            execute_file(connection, files[name])
            _record(connection, "function", name, sums[name])
            report(f"{service}: applied functions/{name}")
        for name in set(recorded) - set(files):  # file removed: a re-added one is applied again
            connection.execute(text("DELETE FROM alembic_checksums WHERE kind = 'function' AND name = :n"),
                               {"n": name})
    return [f"functions/{name}" for name in stale]


def run_environment() -> None:
    """The body of env.py, the one Alembic environment of every service: the revisions run on the
    connection `upgrade_head` holds (and has locked), one transaction per revision."""
    if context.is_offline_mode():
        raise MigrationError("offline (--sql) mode is not supported: revisions apply their SQL files as they are")
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise MigrationError("run migrations through bank_shared.migrations (upgrade_head or its CLI)")
    context.configure(connection=connection, transaction_per_migration=True,
                      on_version_apply=context.config.attributes.get("on_version_apply"))
    with context.begin_transaction():
        context.run_migrations()


# --------------------------------------------------------------------------- errors without credentials

_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def scrub(message: str, database_url: str) -> str:
    """The message without the URL's password (nor any other `user:password@` or `password=` part)."""
    try:
        password = conninfo_to_dict(database_url).get("password")
    except psycopg.Error:
        password = None
    if password:
        message = message.replace(str(password), "***")
    message = _URL_PASSWORD.sub(r"\1***@", message)
    return _KEYWORD_PASSWORD.sub(r"\1***", message)


@contextmanager
def _scrubbed(service: str, database_url: str) -> Iterator[None]:
    """Every failure leaves as a MigrationError naming the service, whose message (and the absent chain:
    `from None`) cannot carry the database password into a log or a CloudFormation event."""
    try:
        yield
    except MigrationError as exc:
        message = str(exc) if str(exc).startswith(f"{service}:") else f"{service}: {exc}"
        raise MigrationError(scrub(message, database_url)) from None
    except Exception as exc:  # noqa: BLE001 - re-raised as MigrationError, scrubbed
        raise MigrationError(scrub(f"{service}: {type(exc).__name__}: {exc}", database_url)) from None


# --------------------------------------------------------------------------- the commands


def upgrade_head(service: str, database_url: str, report: Report) -> list[str]:
    with _scrubbed(service, database_url), sources(service) as src:
        config, script, revisions = _load(service, src)
        functions = _function_files(src)
        engine = _engine(service, database_url)
        try:
            with engine.connect() as connection, _advisory_lock(connection, service, report):
                _prepare(connection, service, script, revisions, report)
                applied = _upgrade(config, connection, service, revisions, report)
                return applied + _reapply_functions(connection, service, functions, report)
        finally:
            engine.dispose()


def current(service: str, database_url: str) -> Status:
    with _scrubbed(service, database_url), sources(service) as src:
        _, _, revisions = _load(service, src)
        sums = _function_sums(_function_files(src))
        engine = _engine(service, database_url)
        try:
            with engine.connect() as connection:
                heads = _heads(connection)
                legacy = {} if heads else _legacy_rows(connection)
                applied = plan.ancestors(revisions, heads or plan.adoption(service, revisions, legacy))
                recorded = _recorded(connection, "function")
        finally:
            engine.dispose()
        return Status(
            service=service,
            revisions=heads,
            pending=tuple(r.revision for r in revisions if r.revision not in applied),
            stale_functions=tuple(plan.stale_functions(sums, recorded)),
            legacy_versions=tuple(sorted(legacy)),
        )


def history(service: str) -> list[Revision]:
    with _scrubbed(service, ""), sources(service) as src:
        return _load(service, src)[2]
