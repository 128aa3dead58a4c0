"""utilities' repositories in memory, and its LedgerHolds answered by the ledger's own hold use cases over an
in-memory ledger, so the payment saga (record → hold → capture, void on refusal) runs against real ledger rules."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.errors import AppError, DependencyUnavailable, problem
from bank_shared.http import Answer
from bank_shared.idempotency import IdempotentResult
from bank_shared.money import to_minor
from ledger_service import holds
from ledger_service import service as ledger
from tests.support.fakes.db import FakeDatabase
from utilities_service.repository import Payment, Provider

Row = dict[str, Any]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class InMemoryUtilities:
    """PaymentRepository and ProviderRepository over one store (payments carry their provider's columns)."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {"providers": {}, "payments": {}}
        self.fail_next: dict[str, Exception] = {}  # method name → raised once (a crash between two steps)

    def _maybe_fail(self, method: str) -> None:
        if method in self.fail_next:
            raise self.fail_next.pop(method)

    # providers ---------------------------------------------------------------------------------------------
    def page(self, category: str | None, after_code: str | None, limit: int) -> list[Provider]:
        rows = sorted((p for p in self.state["providers"].values() if p["active"]
                       and category in (None, p["category"]) and (after_code is None or p["code"] > after_code)),
                      key=lambda p: p["code"])
        return [Provider(**p) for p in rows[:limit]]

    def all(self) -> list[Provider]:
        return [Provider(**p) for p in sorted(self.state["providers"].values(), key=lambda p: p["code"])]

    # payments (get is shared: a provider id or a payment id) -----------------------------------------------
    def get(self, some_id: UUID, lock: bool = False) -> Provider | Payment | None:
        if some_id in self.state["providers"]:
            return Provider(**self.state["providers"][some_id])
        payment = self.state["payments"].get(some_id)
        return self._joined(payment) if payment else None

    def _joined(self, payment: Row) -> Payment:
        provider = self.state["providers"][payment["provider_id"]]
        return Payment(**payment, provider_code=provider["code"], provider_name=provider["name"],
                       provider_category=provider["category"], provider_ledger_account_id=provider["ledger_account_id"])

    def by_key(self, scope: str, key: str) -> Payment | None:
        return next((self._joined(p) for p in self.state["payments"].values()
                     if (p["idempotency_scope"], p["idempotency_key"]) == (scope, key)), None)

    def insert(self, payment_id: UUID, payer_id: UUID, provider_id: UUID, from_account_id: UUID,
               payer_account: str, amount: int, currency: str, scope: str, key: str, request_hash: str) -> bool:
        if any((p["idempotency_scope"], p["idempotency_key"]) == (scope, key) for p in self.state["payments"].values()):
            return False
        self.state["payments"][payment_id] = {
            "id": payment_id, "payer_id": payer_id, "provider_id": provider_id, "from_account_id": from_account_id,
            "payer_account": payer_account, "amount": amount, "currency": currency, "status": "pending",
            "idempotency_scope": scope, "idempotency_key": key, "request_hash": request_hash, "hold_id": None,
            "ledger_transaction_id": None, "result_status": None, "result_body": None, "created_at": NOW,
            "updated_at": NOW, "finished_at": None}
        return True

    def mark_held(self, payment_id: UUID, hold_id: UUID) -> None:
        self._maybe_fail("mark_held")
        self.state["payments"][payment_id].update(status="held", hold_id=hold_id)

    def finish(self, payment_id: UUID, status: str, transaction_id: UUID | None, result_status: int,
               result_body: dict[str, Any]) -> None:
        self.state["payments"][payment_id].update(
            status=status, ledger_transaction_id=transaction_id, result_status=result_status,
            result_body=json.loads(json.dumps(result_body, default=str)), finished_at=NOW)

    def list_for_payer(self, payer_id: UUID, before: tuple[datetime, UUID] | None, limit: int) -> list[Payment]:
        rows = sorted((p for p in self.state["payments"].values() if p["payer_id"] == payer_id
                       and (before is None or (p["created_at"], p["id"]) < before)),
                      key=lambda p: (p["created_at"], p["id"]), reverse=True)
        return [self._joined(p) for p in rows[:limit]]

    def unfinished(self, older_than_seconds: int, limit: int) -> list[Payment]:
        return [self._joined(p) for p in self.state["payments"].values() if p["status"] in ("pending", "held")][:limit]


class HoldsOverFakes:
    """utilities' LedgerHolds answered by the ledger's hold use cases (as the ledger's HTTP routes would)."""

    caller = Principal("utilities", frozenset({"service"}), frozenset(), {"client_id": "utilities"})

    def __init__(self, database: FakeDatabase) -> None:
        self.database = database
        self.calls: list[tuple[str, str]] = []
        self.outage: set[str] = set()  # steps that answer 503 (the ledger unreachable)
        self.settlement_accounts: list[UUID] = []

    def _answer(self, step: str, key: str, use_case: Callable[..., IdempotentResult], *args: Any) -> Answer:
        self.calls.append((step, key))
        if step in self.outage:
            raise DependencyUnavailable("ledger unreachable", dependency="ledger")
        try:
            result = self.database.run(use_case, self.caller, key, *args)
        except AppError as error:
            return Answer(error.status, problem(error.status, error.code, error.title, error.detail))
        return Answer(result.status, result.body, result.replayed)

    def hold(self, key: str, body: dict[str, Any]) -> Answer:
        return self._answer("hold", key, holds.create_hold, UUID(body["account_id"]),
                            to_minor(body["amount"], body["currency"]), body["currency"], body["ttl_seconds"],
                            body["description"])

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer:
        return self._answer("capture", key, holds.capture_hold, hold_id, UUID(body["to_account_id"]), None,
                            body["description"], body.get("counterparty"))

    def void(self, key: str, hold_id: UUID) -> Answer:
        return self._answer("void", key, holds.void_hold, hold_id)

    def ensure_settlement_account(self, account_id: UUID, owner_id: UUID, currency: str) -> None:
        if account_id not in self.settlement_accounts:
            self.database.run(ledger.register_account, account_id, owner_id, currency)
            self.settlement_accounts.append(account_id)


def provider_row(**values: Any) -> Row:
    """A providers row as the table holds it: these values over plausible defaults."""
    return {"id": uuid.uuid4(), "code": "mosenergo", "name": "Мосэнергосбыт", "category": "electricity",
            "inn": "7701234567", "settlement_account_number": "40702810900000001000",
            "ledger_account_id": uuid.uuid4(), "currency": "RUB", "payer_account_label": "Лицевой счёт",
            "payer_account_pattern": "^[0-9]{10}$", "payer_account_hint": "10 цифр", "min_amount": 100,
            "max_amount": 10_000_000, "active": True, "created_at": NOW, "updated_at": NOW, **values}


def payment_of(**values: Any) -> Payment:
    """A payment joined with its provider as PaymentRepository returns it: these values over defaults."""
    return Payment(**{
        "id": uuid.uuid4(), "payer_id": uuid.uuid4(), "provider_id": uuid.uuid4(), "from_account_id": uuid.uuid4(),
        "payer_account": "1234567890", "amount": 100, "currency": "RUB", "status": "pending",
        "idempotency_scope": "utility-pay:x", "idempotency_key": "k", "request_hash": "h", "hold_id": None,
        "ledger_transaction_id": None, "result_status": None, "result_body": None, "created_at": NOW,
        "updated_at": NOW, "finished_at": None, "provider_code": "x", "provider_name": "X",
        "provider_category": "electricity", "provider_ledger_account_id": uuid.uuid4(), **values})
