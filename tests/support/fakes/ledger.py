"""An in-memory LedgerRepository: the ledger's tables as dicts, with the invariants PostgreSQL enforces on them
(every transaction's postings sum to zero per currency, at least two legs, a balance never below its overdraft
limit, held never negative) so a use case that breaks one fails here as it would against the database."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg.errors

from bank_shared.rows import row_as, row_or_none, rows_as
from ledger_service.repository import HistoryPosting, Hold, LedgerAccount, LedgerTransaction, Leg

Row = dict[str, Any]


@dataclass
class _Diag:
    constraint_name: str | None = None
    message_detail: str | None = None


class FakeCheckViolation(psycopg.errors.CheckViolation):
    """What psycopg raises for a violated CHECK, with the constraint's name in `diag`."""

    def __init__(self, constraint: str) -> None:
        super().__init__(f'violates check constraint "{constraint}"')
        self._constraint = constraint

    @property
    def diag(self) -> Any:  # type: ignore[override]
        return _Diag(constraint_name=self._constraint)


class FakeLockNotAvailable(psycopg.errors.LockNotAvailable):
    """ledger_transfer_apply without waiting for locks: DETAIL names the busy account."""

    def __init__(self, account_id: UUID) -> None:
        super().__init__(f"ledger account {account_id} is busy")
        self._account_id = account_id

    @property
    def diag(self) -> Any:  # type: ignore[override]
        return _Diag(message_detail=str(self._account_id))


class UnbalancedPosting(AssertionError):
    """The database's postings_zero_sum / ledger_transactions_have_postings triggers, in memory."""


class InMemoryLedger:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {"accounts": {}, "transactions": {}, "postings": [], "holds": {},
                                      "exchanges": {}}
        self.transfer_outcomes: list[Row] = []  # what ledger_transfer_apply (PL/pgSQL) answers, in order
        self.transfer_requests: list[Row] = []
        self.busy: set[UUID] = set()
        self.combiner_script: list[Any] = []
        self.combiner_calls: list[tuple[str, Any]] = []
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)  # the database's now()

    # test set-up ------------------------------------------------------------------------------------------------
    def customer_account(self, owner_id: UUID, currency: str = "RUB", balance: int = 0, held: int = 0,
                         overdraft_limit: int = 0, status: str = "active", max_balance: int | None = None) -> UUID:
        account_id = uuid.uuid4()
        self.state["accounts"][account_id] = {
            "id": account_id, "kind": "customer", "system_code": None, "owner_id": owner_id, "currency": currency,
            "balance": balance, "held": held, "overdraft_limit": overdraft_limit, "allow_negative": False,
            "status": status, "max_balance": max_balance}
        return account_id

    def system_account(self, kind: str, currency: str = "RUB") -> UUID:
        account_id = uuid.uuid4()
        self.state["accounts"][account_id] = {
            "id": account_id, "kind": "system", "system_code": f"{kind}:{currency}", "owner_id": None,
            "currency": currency, "balance": 0, "held": 0, "overdraft_limit": 0, "allow_negative": True,
            "status": "active", "max_balance": None}
        return account_id

    def account(self, account_id: UUID) -> Row:
        row: Row = self.state["accounts"][account_id]
        return row

    def legs(self) -> list[Row]:
        return list(self.state["postings"])

    # accounts ---------------------------------------------------------------------------------------------------
    def insert_customer_account(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> bool:
        if account_id in self.state["accounts"]:
            return False
        self.state["accounts"][account_id] = {
            "id": account_id, "kind": "customer", "system_code": None, "owner_id": owner_id, "currency": currency,
            "balance": 0, "held": 0, "overdraft_limit": overdraft_limit, "allow_negative": False, "status": "active",
            "max_balance": None}
        return True

    def get_account(self, account_id: UUID) -> LedgerAccount | None:
        return row_or_none(LedgerAccount, self.state["accounts"].get(account_id))

    def get_accounts(self, account_ids: Sequence[UUID]) -> list[LedgerAccount]:
        return rows_as(LedgerAccount, [self.state["accounts"][i] for i in sorted(set(account_ids))
                                       if i in self.state["accounts"]])

    def lock_accounts(self, account_ids: Sequence[UUID]) -> dict[UUID, LedgerAccount]:
        return {row.id: row for row in self.get_accounts(account_ids)}

    def system_account_id(self, kind: str, currency: str) -> UUID | None:
        return next((row["id"] for row in self.state["accounts"].values()
                     if row["system_code"] == f"{kind}:{currency}"), None)

    def set_status(self, account_id: UUID, status: str) -> None:
        self.state["accounts"][account_id]["status"] = status

    def add_held(self, account_id: UUID, delta: int) -> None:
        account = self.state["accounts"][account_id]
        if account["held"] + delta < 0:
            raise FakeCheckViolation("ledger_accounts_held_check")
        account["held"] += delta
        self._check(account)

    def _check(self, account: Row) -> None:
        if account["allow_negative"]:
            return
        if account["balance"] < -account["overdraft_limit"]:
            raise FakeCheckViolation("balance_within_limit")
        if account["balance"] - account["held"] < -account["overdraft_limit"]:
            raise FakeCheckViolation("available_within_limit")
        if account["max_balance"] is not None and account["balance"] > account["max_balance"]:
            raise FakeCheckViolation("balance_within_maximum")

    # transactions -----------------------------------------------------------------------------------------------
    def post(self, transaction_id: UUID, kind: str, description: str, initiated_by: str,
             postings: Sequence[tuple[UUID, str, int]], reverses: UUID | None = None,
             approved_by: str | None = None, counterparties: dict[str, Any] | None = None) -> datetime:
        if len(postings) < 2:
            raise UnbalancedPosting(f"ledger transaction {transaction_id} has fewer than two postings")
        sums: dict[str, int] = defaultdict(int)
        for _, currency, amount in postings:
            sums[currency] += amount
            if amount == 0:
                raise FakeCheckViolation("postings_amount_check")
        if any(sums.values()):
            raise UnbalancedPosting(f"ledger transaction {transaction_id} does not balance: {dict(sums)}")
        if reverses is not None and any(t["reverses"] == reverses for t in self.state["transactions"].values()):
            raise psycopg.errors.UniqueViolation("one reversal per transaction")
        created_at = self.now()
        self.state["transactions"][transaction_id] = {
            "id": transaction_id, "kind": kind, "description": description, "initiated_by": initiated_by,
            "approved_by": approved_by, "reverses": reverses, "created_at": created_at,
            "counterparties": counterparties}
        for account_id, currency, amount in postings:
            account = self.state["accounts"][account_id]
            assert account["currency"] == currency, "a posting in another currency than its account"
            self.state["postings"].append({"posting_id": len(self.state["postings"]) + 1,
                                           "transaction_id": transaction_id, "account_id": account_id,
                                           "currency": currency, "amount": amount, "created_at": created_at,
                                           "kind": kind, "description": description,
                                           "counterparty": (counterparties or {}).get(str(account_id))})
            account["balance"] += amount
        for account_id, _, _ in postings:
            self._check(self.state["accounts"][account_id])
        return created_at

    def get_transaction(self, transaction_id: UUID) -> LedgerTransaction | None:
        return row_or_none(LedgerTransaction, self.state["transactions"].get(transaction_id))

    def postings_of(self, transaction_id: UUID) -> list[Leg]:
        return rows_as(Leg, [p for p in self.state["postings"] if p["transaction_id"] == transaction_id])

    def reversal_of(self, transaction_id: UUID) -> UUID | None:
        return next((t["id"] for t in self.state["transactions"].values() if t["reverses"] == transaction_id), None)

    def apply_transfer(self, order: Any, wait_for_locks: bool) -> Row:
        """The transfer itself is PL/pgSQL (proven against PostgreSQL); here: record the order, answer (or
        report the source account busy when `busy` names it and the caller does not wait)."""
        self.transfer_requests.append(order.as_json())
        if not wait_for_locks and order.from_account_id in self.busy:
            raise FakeLockNotAvailable(order.from_account_id)
        return self.transfer_outcomes.pop(0)

    # the per-account combiner (PL/pgSQL): scripted answers, every call recorded --------------------------------
    def listen_combiner(self, account_id: UUID) -> None:
        self.combiner_calls.append(("listen", account_id))

    def enqueue_transfer(self, request_id: UUID, account_id: UUID, order: Any) -> bool:
        self.combiner_calls.append(("enqueue", account_id))
        return self.combiner_script.pop(0) == "leader"

    def lead_transfers(self, account_id: UUID, own_request_id: UUID, limit: int) -> Row | None:
        self.combiner_calls.append(("lead", limit))
        return self.combiner_script.pop(0)  # type: ignore[return-value]

    def poll_transfer(self, request_id: UUID, account_id: UUID) -> Row:
        self.combiner_calls.append(("poll", account_id))
        return self.combiner_script.pop(0)  # type: ignore[return-value]

    def step_down(self, account_id: UUID) -> None:
        self.combiner_calls.append(("step_down", account_id))

    def insert_exchange_details(self, transaction_id: UUID, quote_id: UUID, rate: Decimal, sell_currency: str,
                                sell_amount: int, buy_currency: str, buy_amount: int) -> bool:
        if quote_id in self.state["exchanges"]:
            return False
        self.state["exchanges"][quote_id] = {"transaction_id": transaction_id, "rate": rate}
        return True

    def list_postings(self, owner_id: UUID | None, account_id: UUID | None, kind: str | None,
                      since: datetime | None, until: datetime | None,
                      after: tuple[datetime, int] | None, limit: int,
                      query: str | None = None) -> list[HistoryPosting]:
        def found(p: Row) -> bool:  # ILIKE '%query%' with escaped wildcards: a case-insensitive substring
            name = (p.get("counterparty") or {}).get("name") or ""
            return query is None or query.lower() in p["description"].lower() or query.lower() in name.lower()

        def keep(p: Row) -> bool:
            return ((owner_id is None or self.state["accounts"][p["account_id"]]["owner_id"] == owner_id)
                    and (account_id is None or p["account_id"] == account_id)
                    and (kind is None or p["kind"] == kind)
                    and (since is None or p["created_at"] >= since) and (until is None or p["created_at"] < until)
                    and (after is None or (p["created_at"], p["posting_id"]) < after) and found(p))
        rows = sorted(filter(keep, self.state["postings"]), key=lambda p: (p["created_at"], p["posting_id"]),
                      reverse=True)
        return rows_as(HistoryPosting, rows[:limit])

    # holds ------------------------------------------------------------------------------------------------------
    def insert_hold(self, hold_id: UUID, account_id: UUID, amount: int, currency: str, description: str,
                    created_by: str, expires_at: datetime) -> Hold:
        self.state["holds"][hold_id] = {"id": hold_id, "account_id": account_id, "amount": amount,
                                        "currency": currency, "description": description, "created_by": created_by,
                                        "expires_at": expires_at, "status": "pending", "transaction_id": None}
        return row_as(Hold, self.state["holds"][hold_id])

    def lock_hold(self, hold_id: UUID) -> Hold | None:
        return row_or_none(Hold, self.state["holds"].get(hold_id))

    def finish_hold(self, hold_id: UUID, status: str, transaction_id: UUID | None) -> Hold:
        hold = self.state["holds"][hold_id]
        hold.update(status=status, transaction_id=transaction_id)
        return row_as(Hold, hold)

    def expired_hold_ids(self, limit: int) -> list[UUID]:
        now = self.now()
        rows = sorted((h for h in self.state["holds"].values() if h["status"] == "pending" and h["expires_at"] <= now),
                      key=lambda h: h["expires_at"])
        return [h["id"] for h in rows[:limit]]

    def pending_holds_total(self, account_id: UUID) -> int:
        return sum(h["amount"] for h in self.state["holds"].values()
                   if h["account_id"] == account_id and h["status"] == "pending")

    def age_hold(self, hold_id: UUID, by: timedelta) -> None:
        """Move a hold's expiry into the past (the clock is not touched)."""
        self.state["holds"][hold_id]["expires_at"] -= by
