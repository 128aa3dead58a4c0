"""Scratch PostgreSQL databases on the stack's server, each owned by a scratch login role of the same name
(pg_hba lets a role reach only its namesake), as a service's role owns its database. Created with the admin
credentials from stack.json, dropped (with their role) when the fixture ends."""

from __future__ import annotations

import secrets
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from tests.support.stack import database_url, stack

PG_DUMP = "/usr/lib/postgresql/15/bin/pg_dump"


class Scratch:
    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def dump(self, *excluded: str) -> str:
        """`pg_dump --schema-only` without the `excluded` public tables; the role's name (which differs between
        two scratch databases by construction) reads `<scratch>`."""
        pg = stack()["postgres"]
        args = [PG_DUMP, "--schema-only", "--restrict-key=migrations", "-h", str(pg["host"]), "-p", str(pg["port"]),
                "-U", str(pg["admin_user"]), *(f"--exclude-table=public.{t}" for t in excluded), self.name]
        out = subprocess.run(args, env={"PGPASSWORD": str(pg["admin_password"])}, capture_output=True, text=True,
                             check=True).stdout
        return out.replace(self.name, "<scratch>")


def admin() -> psycopg.Connection[Any]:
    pg = stack()["postgres"]
    return psycopg.connect(host=pg["host"], port=pg["port"], user=pg["admin_user"], password=pg["admin_password"],
                           dbname="postgres", autocommit=True)


@pytest.fixture
def scratch() -> Iterator[Callable[[], Scratch]]:
    made: list[str] = []

    def make() -> Scratch:
        name, password = f"mig_{uuid.uuid4().hex[:12]}", secrets.token_urlsafe(16)
        with admin() as conn:
            conn.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'")
            conn.execute(f"CREATE DATABASE {name} OWNER {name}")
        made.append(name)
        pg = stack()["postgres"]
        return Scratch(name, f"postgresql://{name}:{password}@{pg['host']}:{pg['port']}/{name}")

    yield make
    with admin() as conn:
        for name in made:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"DROP ROLE IF EXISTS {name}")


@contextmanager
def shared_tables_copy(prefix: str, tables: tuple[str, ...], *extra_ddl: str) -> Iterator[str]:
    """A schema of the test's own in the notifications database holding copies (with their indexes) of the
    shared `tables`, plus `extra_ddl` run inside it; yields a URL whose search_path is that schema, so no
    service table is touched. Dropped afterwards."""
    schema, base = f"{prefix}_{uuid.uuid4().hex[:8]}", database_url("notifications")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        for table in tables:
            conn.execute(f"CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL)")
        for ddl in extra_ddl:
            conn.execute(ddl.replace("{schema}", schema))
    yield base + f"?options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
