"""The accounts service's fast-tier world: its use cases over an in-memory unit of work, its ledger client
answered by the ledger's own use cases over an in-memory ledger (tests/support/fakes)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from bank_shared.auth import Principal
from tests.support.fakes import FakeDatabase
from tests.support.fakes.accounts import InMemoryAccounts, LedgerOverFakes
from tests.support.fakes.db import OnFakeDatabase
from tests.support.fakes.ledger import InMemoryLedger


@dataclass
class Branch(OnFakeDatabase):
    db: FakeDatabase
    accounts: InMemoryAccounts
    ledger_db: FakeDatabase
    ledger: InMemoryLedger
    client: LedgerOverFakes



def customer(subject: UUID) -> Principal:
    return Principal(str(subject), frozenset({"customer"}), frozenset(), {})


STAFF = Principal("5b0c2d8e-0000-4000-8000-000000000001", frozenset({"employee"}), frozenset(), {})
