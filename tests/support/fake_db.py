"""The real UnitOfWork over a connection that does nothing: for fast-tier tests of use cases whose repositories
are faked, so the transaction boundaries (and the transaction guard) are the real ones."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bank_shared.db import UnitOfWork


class FakeConnection:
    """Only what UnitOfWork asks of a psycopg connection."""

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        yield

    def transaction(self) -> Any:
        return self._transaction()


def fake_unit_of_work() -> UnitOfWork:
    return UnitOfWork(FakeConnection())  # type: ignore[arg-type]
