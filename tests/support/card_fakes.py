"""Fakes of what card spending calls (the ledger's holds, the ledger's account registry, fx's rates), shared by
the unit tier (fake repository) and the integration tier (real accounts database)."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer


class FakeLedger:
    """Holds by Idempotency-Key, as the ledger keeps them: a key used again replays its first answer."""

    def __init__(self, available: int) -> None:
        self.available, self.down = available, False
        self.holds: dict[UUID, dict[str, Any]] = {}
        self.answers: dict[str, Answer] = {}
        self.captured: list[int] = []
        self._lock = threading.Lock()  # concurrent authorizations (the integration tier) reach it from threads

    def _once(self, key: str, make: Any) -> Answer:
        if self.down:
            raise DependencyUnavailable("ledger down", dependency="ledger")
        with self._lock:
            if key not in self.answers:
                self.answers[key] = make()
            return self.answers[key]

    def hold(self, key: str, body: dict[str, Any]) -> Answer:
        def make() -> Answer:
            amount = int(Decimal(body["amount"]) * 100)
            if amount > self.available:
                return Answer(422, {"code": "insufficient_funds"})
            self.available -= amount
            hold_id = uuid.uuid4()
            self.holds[hold_id] = {"amount": amount, "status": "pending"}
            return Answer(201, {"id": str(hold_id)})
        return self._once(key, make)

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer:
        def make() -> Answer:
            hold, amount = self.holds[hold_id], int(Decimal(body["amount"]) * 100)
            if hold["status"] != "pending":
                return Answer(409, {"code": "hold_not_pending"})
            hold["status"] = "captured"
            self.available += hold["amount"] - amount
            self.captured.append(amount)
            return Answer(201, {"transaction_id": str(uuid.uuid4())})
        return self._once(key, make)

    def void(self, key: str, hold_id: UUID) -> Answer:
        def make() -> Answer:
            hold = self.holds[hold_id]
            if hold["status"] != "pending":
                return Answer(409, {"code": "hold_not_pending"})
            hold["status"] = "voided"
            self.available += hold["amount"]
            return Answer(200, {})
        return self._once(key, make)

    def hold_status(self, hold_id: UUID) -> str:
        return str(self.holds[hold_id]["status"])


class FakeRegistry:
    registered: list[UUID] = []

    def register(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> None:
        self.registered.append(account_id)


class FakeRates:
    def mid_rate(self, base: str, symbol: str) -> Decimal | None:
        return Decimal("90") if (base, symbol) == ("USD", "RUB") else None
