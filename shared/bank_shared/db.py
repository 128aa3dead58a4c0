"""PostgreSQL access: one lazily opened connection per execution environment and a unit of work.

Lambda runs one invocation at a time per environment, so a single connection is enough there; code that
runs many workers in one process (tests, benchmarks) passes its own connections to `UnitOfWork`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote

from bank_shared.aws import secret_json
from bank_shared.observability import trace_library
from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore
from bank_shared.transaction_guard import transaction_closed, transaction_opened

if TYPE_CHECKING:
    import psycopg

    Connection: TypeAlias = psycopg.Connection[dict[str, Any]]
else:  # psycopg loads with the first connection, not with every cold start; annotations never evaluate this
    Connection = "psycopg.Connection[dict[str, Any]]"

_connection: Connection | None = None


def conninfo_from_secret(secret: Mapping[str, Any], default_sslmode: str = "require") -> str:
    """A conninfo URL from a database secret (host, port, dbname, username, password[, sslmode]).

    In AWS the host is the RDS Proxy, which requires TLS: the deploy writes `sslmode: require` into every
    service secret, and a secret without it still gets `default_sslmode`."""
    sslmode = str(secret.get("sslmode") or default_sslmode)
    return (
        f"postgresql://{quote(str(secret['username']), safe='')}:{quote(str(secret['password']), safe='')}"
        f"@{secret['host']}:{secret['port']}/{quote(str(secret['dbname']), safe='')}?sslmode={quote(sslmode)}"
    )


def database_url() -> str:
    """The service's conninfo: from Secrets Manager when DB_SECRET_ID is set (the AWS path), else DATABASE_URL."""
    settings = get_settings()
    if settings.db_secret_id:
        # Locally PostgreSQL may run without TLS; anywhere else an unencrypted connection is refused.
        return conninfo_from_secret(secret_json(settings.db_secret_id),
                                    default_sslmode="prefer" if settings.is_local else "require")
    if settings.database_url is None:
        raise RuntimeError("neither DB_SECRET_ID nor DATABASE_URL is configured")
    return settings.database_url.get_secret_value()


def connect(url: str | None = None) -> Connection:
    """A new connection. Autocommit: a statement outside a UnitOfWork never leaves a transaction open
    (which would turn every later UnitOfWork into a savepoint that never commits); transactions are
    always explicit. prepare_threshold=None keeps RDS Proxy from pinning the connection."""
    trace_library("psycopg")
    import psycopg
    from psycopg.rows import dict_row

    return psycopg.connect(
        url or database_url(),
        autocommit=True,
        row_factory=dict_row,
        prepare_threshold=None,
        connect_timeout=5,
        application_name=get_settings().service_name,
    )


def get_connection() -> Connection:
    """The execution environment's connection, reopened if the previous one broke."""
    global _connection
    if _connection is None or _connection.closed or _connection.broken:
        _connection = connect()
    return _connection


@reset_on_restore
def close_connection() -> None:
    global _connection
    if _connection is not None and not _connection.closed:
        _connection.close()
    _connection = None


def jsonb(value: Any) -> Any:
    """`value` as a jsonb query parameter (psycopg's Jsonb, imported with the driver, not at cold start)."""
    from psycopg.types.json import Jsonb

    return Jsonb(value)


class UnitOfWork:
    """One database transaction; callbacks registered with `after_commit` run only once it committed.

    Used as `with UnitOfWork() as uow: repo = Repo(uow.connection) ...`; leaving the block without an
    exception commits, an exception rolls back and skips the callbacks.
    """

    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection
        self._after_commit: list[Callable[[], None]] = []
        self._transaction: Any = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work has not started")
        return self._connection

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def __enter__(self) -> UnitOfWork:
        if self._connection is None:
            self._connection = get_connection()
        self._transaction = self._connection.transaction()
        self._transaction.__enter__()
        transaction_opened()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._transaction.__exit__(exc_type, exc, traceback)
        finally:
            transaction_closed()
        if exc_type is None:
            for callback in self._after_commit:
                callback()


@contextmanager
def transaction(connection: Connection | None = None) -> Iterator[Connection]:
    """Shorthand for code that needs a transaction but no after-commit callbacks."""
    with UnitOfWork(connection) as uow:
        yield uow.connection


class Repository:
    """What every repository is built on: the connection of the unit of work the use case opened. A repository
    runs SQL on it and never commits: the use case owns the transaction (docs/architecture.md)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
