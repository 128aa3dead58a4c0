"""An in-memory AccountsRepository, and the accounts service's ledger client answered by the real ledger use
cases over an in-memory ledger (so "close only when empty and nothing on hold" is the ledger's own rule)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from accounts_service.repository import Account, Card, Product
from bank_shared.auth import Principal
from bank_shared.errors import DependencyUnavailable
from bank_shared.rows import row_as, row_or_none, rows_as
from ledger_service import service as ledger
from tests.support.fakes.db import FakeDatabase

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PRODUCTS = [
    {"code": "current", "name": "Current account", "kind": "current", "currencies": ["RUB", "USD", "EUR", "CNY"],
     "balance_account": "40817", "self_service": True, "overdraft_limit": 0, "max_per_owner": 10},
    {"code": "savings", "name": "Savings account", "kind": "savings", "currencies": ["RUB", "USD", "EUR"],
     "balance_account": "42301", "self_service": True, "overdraft_limit": 0, "max_per_owner": 2},
    {"code": "current_overdraft", "name": "Current account with overdraft", "kind": "current",
     "currencies": ["RUB"], "balance_account": "40817", "self_service": False, "overdraft_limit": 5_000_000,
     "max_per_owner": 10},
]


class InMemoryAccounts:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {"accounts": {}, "cards": {}, "serial": 0}

    def products(self) -> list[Product]:
        return rows_as(Product, PRODUCTS)

    def product(self, code: str) -> Product | None:
        return next((row_as(Product, p) for p in PRODUCTS if p["code"] == code), None)

    def next_serial(self) -> int:
        self.state["serial"] += 1
        return int(self.state["serial"])

    def count_open(self, owner_id: UUID, product_code: str) -> int:
        return sum(1 for a in self.state["accounts"].values()
                   if a["owner_id"] == owner_id and a["product_code"] == product_code and a["status"] == "active")

    def insert_account(self, account_id: UUID, number: str, owner_id: UUID, product_code: str, currency: str,
                       opened_by: str) -> Account:
        self.state["accounts"].setdefault(account_id, {
            "id": account_id, "number": number, "owner_id": owner_id, "product_code": product_code,
            "currency": currency, "status": "active", "opened_at": NOW, "closed_at": None, "opened_by": opened_by})
        return row_as(Account, self.state["accounts"][account_id])

    def get(self, account_id: UUID, *, lock: bool = False) -> Account | None:
        return row_or_none(Account, self.state["accounts"].get(account_id))

    def by_owner(self, owner_id: UUID) -> list[Account]:
        return rows_as(Account, (a for a in self.state["accounts"].values() if a["owner_id"] == owner_id))

    def find(self, ids: list[UUID], owner_id: UUID | None, currency: str | None, number: str | None,
             limit: int, card_last4: str | None = None) -> list[Account]:
        with_card = {c["account_id"] for c in self.state["cards"].values() if c["last4"] == card_last4}
        return rows_as(Account, [a for a in self.state["accounts"].values()
                                 if (not ids or a["id"] in ids) and owner_id in (None, a["owner_id"])
                                 and currency in (None, a["currency"]) and number in (None, a["number"])
                                 and (card_last4 is None or a["id"] in with_card)][:limit])

    def cards_of(self, account_ids: list[UUID]) -> list[Card]:
        return rows_as(Card, (c for c in self.state["cards"].values() if c["account_id"] in account_ids))

    def mark_closed(self, account_id: UUID) -> Account:
        self.state["accounts"][account_id].update(status="closed", closed_at=NOW)
        return row_as(Account, self.state["accounts"][account_id])

    def insert_card(self, card_id: UUID, account_id: UUID, token: str, last4: str, bin_prefix: str,
                    expiry_month: int, expiry_year: int) -> Card | None:
        if any(c["pan_token"] == token for c in self.state["cards"].values()):
            return None
        self.state["cards"][card_id] = {"id": card_id, "account_id": account_id, "pan_token": token,
                                        "last4": last4, "bin": bin_prefix, "expiry_month": expiry_month,
                                        "expiry_year": expiry_year, "status": "active", "created_at": NOW,
                                        "block_reason": None}
        return row_as(Card, self.state["cards"][card_id])

    def cards(self, account_id: UUID) -> list[Card]:
        return self.cards_of([account_id])

    def card(self, card_id: UUID) -> Card | None:
        return row_or_none(Card, self.state["cards"].get(card_id))

    def set_card_status(self, card_id: UUID, status: str, block_reason: str | None = None) -> Card:
        self.state["cards"][card_id].update(status=status, block_reason=block_reason)
        return row_as(Card, self.state["cards"][card_id])


class LedgerOverFakes:
    """accounts' Ledger protocol answered by the ledger's own use cases on another fake database."""

    service = Principal("accounts", frozenset({"service"}), frozenset(), {"client_id": "accounts"})

    def __init__(self, database: FakeDatabase) -> None:
        self.database = database
        self.down = False
        self.closed: list[UUID] = []

    def register(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> None:
        self.database.run(ledger.register_account, account_id, owner_id, currency, overdraft_limit)

    def balances(self, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        if self.down:
            raise DependencyUnavailable("ledger answered 503", dependency="ledger")
        return {UUID(view["account_id"]): view for view in self.database.run(ledger.get_balances, account_ids)}

    def close(self, account_id: UUID) -> None:
        self.database.run(ledger.close_account, account_id)  # its AccountNotEmpty is HttpLedger's answer too
        self.closed.append(account_id)


