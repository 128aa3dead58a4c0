"""Ledger integration tests run against the stack's ledger database (fresh accounts per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bank_shared.db import Connection, connect
from bank_shared.events import outbox
from bank_shared.migrations import migrate_service
from tests.support.stack import database_url


@pytest.fixture(scope="session")
def ledger_url() -> str:
    url = database_url("ledger")
    migrate_service("ledger", url)
    return url


@pytest.fixture
def connection(ledger_url: str) -> Iterator[Connection]:
    conn = connect(ledger_url)
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def no_inline_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events stay in the outbox (the stack's scheduled sweeper relays them); tests read the outbox table."""
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)
