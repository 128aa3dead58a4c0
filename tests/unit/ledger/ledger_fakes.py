"""The ledger's fast-tier world: an in-memory unit of work (tests/support/fakes), a frozen clock, principals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal
from tests.support.fakes import FakeDatabase
from tests.support.fakes.db import OnFakeDatabase
from tests.support.fakes.ledger import InMemoryLedger

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class FrozenClock(datetime):
    """`datetime` whose now() is a fixed instant the test moves (holds read the clock, tests never wait)."""

    instant = NOW

    @classmethod
    def now(cls, tz: Any = None) -> FrozenClock:  # type: ignore[override]
        return cls.instant  # type: ignore[return-value]


@dataclass
class Bank(OnFakeDatabase):
    db: FakeDatabase
    ledger: InMemoryLedger
    clock: type[FrozenClock]



def customer(subject: UUID) -> Principal:
    return Principal(str(subject), frozenset({"customer"}), frozenset(), {})


SERVICE = Principal("payments-service", frozenset({"service"}), frozenset(), {"client_id": "payments"})
STAFF = Principal(str(uuid.uuid4()), frozenset({"employee"}), frozenset(), {})
