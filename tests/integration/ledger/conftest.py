"""Ledger integration tests run against the stack's ledger database (fresh accounts per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bank_shared.db import Connection, connect
from bank_shared.events import outbox
from bank_shared.migrations import upgrade_head
from tests.support.stack import database_url


@pytest.fixture(scope="session")
def ledger_url() -> str:
    url = database_url("ledger")
    upgrade_head("ledger", url)
    return url


@pytest.fixture
def connection(ledger_url: str) -> Iterator[Connection]:
    conn = connect(ledger_url)
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def no_inline_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Kafka round trip per commit while hammering the ledger; the session drains the outbox at the end."""
    monkeypatch.setattr(outbox, "relay_after_commit", lambda _connection: None)


@pytest.fixture(scope="module", autouse=True)
def drain_outbox(ledger_url: str) -> Iterator[None]:
    """Relay what each module wrote, so the real request path (which relays oldest first) finds no backlog,
    also when end-to-end tests run in the same session right after these."""
    yield
    conn = connect(ledger_url)
    try:
        while outbox.relay_pending(conn, limit=1000).published:
            pass
    finally:
        conn.close()
