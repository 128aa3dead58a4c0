"""A fake of the services the customer service calls: in-memory users, accounts and postings; every call
recorded; any part can be made to fail or to be slow."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer

ALICE, BOB, CAROL = UUID(int=1), UUID(int=2), UUID(int=3)


def account(owner: UUID, currency: str, number: str, *, status: str = "active",
            balance: str | None = "100.00") -> dict[str, Any]:
    money = {"amount": balance, "currency": currency} if balance is not None else None
    account_id = str(uuid.uuid4())
    return {"id": account_id, "number": number, "owner_id": str(owner), "currency": currency,
            "product_code": "current", "status": status, "opened_at": "2026-01-01T00:00:00Z", "closed_at": None,
            "balance": money, "available": money,
            "cards": [{"id": str(uuid.uuid4()), "account_id": account_id, "pan_masked": "220000******1234",
                       "last4": "1234", "expiry": "01/30", "status": "active", "created_at": "2026-01-01T00:00:00Z"}]}


class FakeServices:
    def __init__(self) -> None:
        self.users = {ALICE: {"id": str(ALICE), "email": "a@x", "full_name": "Alice Smith", "phone": "+7 900 1"},
                      BOB: {"id": str(BOB), "email": "b@x", "full_name": "Bob Brown Jr", "phone": "+79001234567"}}
        self.accounts_list = [account(ALICE, "RUB", "4" * 20), account(ALICE, "USD", "5" * 20),
                              account(BOB, "RUB", "6" * 20)]
        self.failing: set[str] = set()
        # Parts in `held` wait until `released` is set (a part the dashboard must not wait for); parts in `meet`
        # wait for each other at `together` (they can only pass if they run at the same time).
        self.held: set[str] = set()
        self.released = threading.Event()
        self.meet: set[str] = set()
        self.together = threading.Barrier(1)
        self.finished: set[str] = set()
        self.calls: list[tuple[str, Any]] = []
        self.ledger_answer = Answer(201, {"transaction_id": "t-1", "status": "executed"})
        self.phone_matches: list[dict[str, Any]] | None = None
        self.unread: dict[UUID, int] = {ALICE: 3}
        self.transactions: dict[UUID, dict[str, Any]] = {}
        self.postings: list[dict[str, Any]] = []

    def _enter(self, part: str, detail: Any = None) -> None:
        self.calls.append((part, detail))
        if part in self.meet:
            self.together.wait(timeout=10)  # BrokenBarrierError (a failed part) when the others never come
        if part in self.held:
            self.released.wait(timeout=30)
        self.finished.add(part)
        if part in self.failing:
            raise DependencyUnavailable(f"{part} is down", dependency=part)

    def profile(self, user_id: UUID, timeout: float) -> dict[str, Any]:
        self._enter("profile", user_id)
        return self.users.get(user_id, {"id": str(user_id), "full_name": None})

    def accounts(self, timeout: float, *, owner_id: UUID | None = None, currency: str | None = None,
                 number: str | None = None, account_ids: Sequence[UUID] = (),
                 include: Sequence[str] = ()) -> list[dict[str, Any]]:
        self._enter("accounts", {"owner": owner_id, "currency": currency, "number": number, "ids": account_ids})
        found = [dict(a) for a in self.accounts_list
                 if (not account_ids or a["id"] in {str(i) for i in account_ids})
                 and (owner_id is None or a["owner_id"] == str(owner_id))
                 and (currency is None or a["currency"] == currency)
                 and (number is None or a["number"] == number)]
        if "cards" not in include:
            for item in found:
                item.pop("cards")
        return found

    def users_by_phone(self, phone: str, timeout: float) -> list[dict[str, Any]]:
        self._enter("users_by_phone", phone)
        if self.phone_matches is not None:
            return self.phone_matches
        digits = "".join(c for c in phone if c.isdigit())
        return [u for u in self.users.values() if "".join(c for c in u["phone"] if c.isdigit()) == digits]

    def balance(self, account_id: UUID, timeout: float) -> dict[str, Any] | None:
        """The ledger's view: available (balance minus holds) and the overdraft limit."""
        self._enter("balance", account_id)
        found = next((a for a in self.accounts_list if a["id"] == str(account_id)), None)
        if found is None or found["available"] is None:
            return None
        return {"account_id": found["id"], "available": found["available"],
                "overdraft_limit": {"amount": found.get("overdraft", "0.00"), "currency": found["currency"]}}

    def recent_transactions(self, owner_id: UUID, limit: int, timeout: float) -> list[dict[str, Any]]:
        self._enter("transactions", owner_id)
        return [{"transaction_id": "t-0", "type": "topup"}][:limit]

    def unread_notifications(self, user_id: UUID, timeout: float) -> int:
        self._enter("notifications", user_id)
        return self.unread.get(user_id, 0)

    def transfer(self, key: str, body: dict[str, Any]) -> Answer:
        self._enter("transfer", {"key": key, **body})
        return self.ledger_answer

    def fx_quote(self, key: str, body: dict[str, Any]) -> Answer:
        self._enter("fx_quote", {"key": key, **body})
        return Answer(201, {"id": "q-1", "status": "open"})

    def fx_exchange(self, key: str, body: dict[str, Any]) -> Answer:
        self._enter("fx_exchange", {"key": key, **body})
        return Answer(201, {"id": "q-1", "status": "executed"}, replayed=True)

    def transaction(self, transaction_id: UUID, timeout: float) -> dict[str, Any] | None:
        self._enter("transaction", transaction_id)
        return self.transactions.get(transaction_id)

    def account_postings(self, account_id: UUID, since: str, until: str, timeout: float) -> list[dict[str, Any]]:
        self._enter("account_postings", (account_id, since, until))
        return [p for p in self.postings if p["account_id"] == str(account_id) and since <= p["created_at"] < until]

    def account_of(self, owner: UUID, currency: str) -> dict[str, Any]:
        return next(a for a in self.accounts_list if a["owner_id"] == str(owner) and a["currency"] == currency)
