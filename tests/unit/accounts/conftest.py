"""accounts' use cases over in-memory repositories; the ledger behind its client is the real ledger use cases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from accounts_fakes import Branch

from accounts_service import ledger_client, service
from accounts_service.repository import AccountsRepository
from ledger_service import holds, postings
from ledger_service import service as ledger_service
from ledger_service.repository import LedgerRepository
from tests.support.fakes import FakeDatabase, install
from tests.support.fakes.accounts import InMemoryAccounts, LedgerOverFakes
from tests.support.fakes.ledger import InMemoryLedger


@pytest.fixture
def branch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Branch]:
    db, ledger_db = FakeDatabase(), FakeDatabase()
    accounts = db.register(AccountsRepository, InMemoryAccounts())
    ledger = ledger_db.register(LedgerRepository, InMemoryLedger())
    install(monkeypatch, AccountsRepository, service)
    install(monkeypatch, LedgerRepository, ledger_service, holds, postings)
    client = LedgerOverFakes(ledger_db)
    ledger_client.set_ledger(client)
    monkeypatch.setattr(service, "pan_token", lambda pan: f"token-{pan}")
    try:
        yield Branch(db, accounts, ledger_db, ledger, client)
    finally:
        ledger_client.set_ledger(None)
