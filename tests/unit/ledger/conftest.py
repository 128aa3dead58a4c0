"""The ledger's use cases over an in-memory unit of work (tests/support/fakes): the rules run, the SQL is fake."""

from __future__ import annotations

import pytest
from ledger_fakes import NOW, Bank, FrozenClock

from ledger_service import currency_exchange, history, holds, interest, postings, service
from ledger_service.repository import LedgerRepository
from tests.support.fakes import FakeDatabase, install
from tests.support.fakes.ledger import InMemoryLedger


@pytest.fixture
def bank(monkeypatch: pytest.MonkeyPatch) -> Bank:
    db = FakeDatabase()
    ledger = db.register(LedgerRepository, InMemoryLedger())
    install(monkeypatch, LedgerRepository, service, holds, postings, currency_exchange, history, interest)
    FrozenClock.instant = NOW
    monkeypatch.setattr(holds, "datetime", FrozenClock)
    ledger.now = lambda: FrozenClock.instant
    return Bank(db, ledger, FrozenClock)
