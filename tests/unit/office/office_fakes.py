"""Fakes for office's unit tests: the services it calls (in-memory users, accounts, cards; every call
recorded; scripted answers or outages) and an in-memory audit log with the database's ordering."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal, current_principal
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer
from office_service.api import app
from office_service.clients import PostingFilter
from office_service.repository import AuditEntry, AuditFilter, NewEntry, Outcome

CUSTOMER, EMPLOYEE, ADMIN = UUID(int=1), UUID(int=2), UUID(int=3)
EVERYTHING = AuditFilter()


def as_role(subject: object, *roles: str) -> None:
    """The office app's caller from now on (the test client fixture starts as an employee)."""
    app.dependency_overrides[current_principal] = lambda: Principal(str(subject), frozenset(roles), frozenset(), {})


def user(user_id: UUID, roles: list[str], name: str) -> dict[str, Any]:
    return {"id": str(user_id), "email": f"{name.lower()}@example.com", "full_name": name, "phone": None,
            "status": "active", "roles": roles, "mfa_enabled": False, "created_at": "2026-11-01T10:00:00Z"}


class FakeServices:
    def __init__(self) -> None:
        self.users = {CUSTOMER: user(CUSTOMER, ["customer"], "Alice"), EMPLOYEE: user(EMPLOYEE, ["employee"], "Eve")}
        self.accounts: list[dict[str, Any]] = []
        self.calls: list[tuple[str, Any]] = []
        self.down: set[str] = set()
        self.scripted: dict[str, Answer] = {}
        self.transactions: dict[UUID, dict[str, Any]] = {}
        self.executed: dict[str, dict[str, Any]] = {}
        self.postings: list[dict[str, Any]] = []  # the ledger's postings, newest first
        self.kyc: dict[UUID, dict[str, Any]] = {}  # ledger key -> the ledger's answer

    def _call(self, name: str, service: str, args: Any) -> Answer | None:
        self.calls.append((name, args))
        if service in self.down:
            raise DependencyUnavailable(f"{service} answered 503", dependency=service)
        return self.scripted.get(name)

    def search_users(self, kind: str, query: str | None, limit: int, cursor: str | None,
                     also: Sequence[UUID] = (), *, role: str | None = None, status: str | None = None) -> Answer:
        if (answer := self._call("search_users", "auth", (kind, query, limit, cursor))) is not None:
            return answer
        roles = {"customer"} if kind == "customer" else {"employee", "admin"}
        roles &= {role} if role else roles
        items = [u for u in self.users.values() if roles & set(u["roles"])
                 and (not status or u["status"] == status)
                 and (not query or query.lower() in (u["email"] + u["full_name"]).lower()
                      or UUID(u["id"]) in also)]
        return Answer(200, {"items": items[:limit], "next_cursor": None})

    def find_accounts(self, number: str | None, card_last4: str | None) -> Answer:
        if (answer := self._call("find_accounts", "accounts", (number, card_last4))) is not None:
            return answer
        return Answer(200, {"items": [a for a in self.accounts if a["number"] == number
                                      or any(card.get("last4") == card_last4 for card in a.get("cards", []))]})

    def set_customer_blocked(self, customer_id: UUID, blocked: bool) -> Answer:
        if (answer := self._call("set_customer_blocked", "auth", (customer_id, blocked))) is not None:
            return answer
        self.users[customer_id]["status"] = "disabled" if blocked else "active"
        return Answer(200, self.users[customer_id])

    def set_employee_roles(self, employee_id: UUID, acting: str, roles: list[str]) -> Answer:
        if (answer := self._call("set_employee_roles", "auth", (employee_id, acting, roles))) is not None:
            return answer
        if acting == str(employee_id) and "admin" in self.users[employee_id]["roles"] and "admin" not in roles:
            return Answer(409, {"status": 409, "code": "cannot_remove_own_admin_role"})
        self.users[employee_id]["roles"] = roles
        return Answer(200, self.users[employee_id])

    def set_employee_active(self, employee_id: UUID, acting: str, active: bool) -> Answer:
        if (answer := self._call("set_employee_active", "auth", (employee_id, acting, active))) is not None:
            return answer
        if not active and acting == str(employee_id):
            return Answer(409, {"status": 409, "code": "cannot_deactivate_self"})
        self.users[employee_id]["status"] = "active" if active else "disabled"
        return Answer(200, self.users[employee_id])

    def customer_kyc(self, customer_id: UUID) -> Answer:
        if (answer := self._call("customer_kyc", "auth", customer_id)) is not None:
            return answer
        return Answer(200, {"kyc": self.kyc.get(customer_id)})

    def save_customer_kyc(self, customer_id: UUID, body: dict[str, Any]) -> Answer:
        if (answer := self._call("save_customer_kyc", "auth", (customer_id, body))) is not None:
            return answer
        saved = {key: value for key, value in body.items() if key != "document_number"}
        self.kyc[customer_id] = saved | {"document_number_masked": "•••• " + body["document_number"][-4:],
                                         "updated_at": "2026-11-01T10:00:00Z"}
        return Answer(200, {"kyc": self.kyc[customer_id]})

    def user(self, user_id: UUID) -> Answer:
        if (answer := self._call("user", "auth", user_id)) is not None:
            return answer
        found = self.users.get(user_id)
        return Answer(200, found) if found else Answer(404, {"status": 404, "code": "user_not_found"})

    def create_customer(self, body: dict[str, Any]) -> Answer:
        if (answer := self._call("create_customer", "auth", body)) is not None:
            return answer
        created = {**user(uuid.uuid4(), ["customer"], body["full_name"]), "email": body["email"]}
        self.users[UUID(created["id"])] = created
        return Answer(201, created)

    def create_employee(self, body: dict[str, Any]) -> Answer:
        if (answer := self._call("create_employee", "auth", body)) is not None:
            return answer
        created = {**user(uuid.uuid4(), body["roles"], body["full_name"]), "email": body["email"]}
        return Answer(201, created)

    def customer_accounts(self, owner_id: UUID) -> Answer:
        if (answer := self._call("customer_accounts", "accounts", owner_id)) is not None:
            return answer
        return Answer(200, {"items": [a for a in self.accounts if a["owner_id"] == str(owner_id)]})

    def open_account(self, employee: str, key: str, body: dict[str, Any]) -> Answer:
        if (answer := self._call("open_account", "accounts", (employee, key, body))) is not None:
            return answer
        account = {"id": str(uuid.uuid4()), "number": "4" * 20, "owner_id": body["owner_id"],
                   "product_code": body["product_code"], "currency": body["currency"], "status": "active",
                   "opened_at": "2026-11-01T10:00:00Z", "closed_at": None, "balance": None, "available": None,
                   "cards": []}
        self.accounts.append(account)
        return Answer(201, {k: v for k, v in account.items() if k != "cards"})

    def close_account(self, employee: str, account_id: UUID) -> Answer:
        if (answer := self._call("close_account", "accounts", (employee, account_id))) is not None:
            return answer
        return Answer(200, {"id": str(account_id), "status": "closed"})

    def issue_card(self, employee: str, key: str, account_id: UUID) -> Answer:
        if (answer := self._call("issue_card", "accounts", (employee, key, account_id))) is not None:
            return answer
        return Answer(201, {"id": str(uuid.uuid4()), "account_id": str(account_id), "status": "active"})

    def set_card_blocked(self, employee: str, card_id: UUID, blocked: bool) -> Answer:
        if (answer := self._call("set_card_blocked", "accounts", (employee, card_id, blocked))) is not None:
            return answer
        return Answer(200, {"id": str(card_id), "status": "blocked" if blocked else "active"})

    def account(self, account_id: UUID) -> Answer:
        if (answer := self._call("account", "accounts", account_id)) is not None:
            return answer
        return Answer(200, {"items": [a for a in self.accounts if a["id"] == str(account_id)]})

    def ledger_transaction(self, transaction_id: UUID) -> Answer:
        if (answer := self._call("ledger_transaction", "ledger", transaction_id)) is not None:
            return answer
        found = self.transactions.get(transaction_id)
        return Answer(200, found) if found else Answer(404, {"status": 404, "code": "transaction_not_found"})

    def customer_postings(self, owner_id: UUID, filters: PostingFilter) -> Answer:
        if (answer := self._call("customer_postings", "ledger", (owner_id, filters))) is not None:
            return answer
        owned = {a["id"] for a in self.accounts if a["owner_id"] == str(owner_id)}
        items = [p for p in self.postings if p["account_id"] in owned
                 and (filters.account_id is None or p["account_id"] == str(filters.account_id))]
        return Answer(200, {"items": items[:filters.limit], "next_cursor": None})

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer:
        if (answer := self._call("execute_topup", "ledger", (key, body))) is not None:
            return answer
        if key in self.executed:  # the ledger's Idempotency-Key: a second call is a replay
            return Answer(201, self.executed[key], replayed=True)
        self.executed[key] = {"transaction_id": str(uuid.uuid4()), "type": "topup", "status": "executed",
                              "amount": {"amount": body["amount"], "currency": body["currency"]}}
        return Answer(201, self.executed[key])

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer:
        if (answer := self._call("reverse_transaction", "ledger", (key, transaction_id, body))) is not None:
            return answer
        if key in self.executed:
            return Answer(201, self.executed[key], replayed=True)
        self.executed[key] = {"transaction_id": str(uuid.uuid4()), "type": "reversal", "status": "executed",
                              "reverses": str(transaction_id)}
        return Answer(201, self.executed[key])


Row = dict[str, Any]  # what the fake keeps of an entry (the tests read it as the table's columns)


class FakeAuditLog:
    def __init__(self) -> None:
        self.rows: dict[UUID, Row] = {}
        self.clock = datetime(2026, 11, 1, tzinfo=UTC)
        self.fail_finish = False

    def start(self, entry: NewEntry) -> UUID:
        entry_id = uuid.uuid4()
        self.clock += timedelta(seconds=1)
        self.rows[entry_id] = {"id": entry_id, "occurred_at": self.clock, **entry.__dict__, "outcome": "pending",
                               "status": None, "code": None, "replayed": False, "completed_at": None}
        return entry_id

    def finish(self, entry_id: UUID, outcome: Outcome) -> None:
        if self.fail_finish:
            raise DependencyUnavailable("audit down", dependency="office-db")
        row = self.rows[entry_id]
        assert row["outcome"] == "pending", "an audit entry is completed once"
        row.update(outcome=outcome.outcome, status=outcome.status, code=outcome.code, replayed=outcome.replayed,
                   target_id=row["target_id"] or outcome.target_id, completed_at=self.clock)

    def page(self, after: tuple[datetime, UUID] | None, limit: int,
             where: AuditFilter = EVERYTHING) -> list[AuditEntry]:
        rows = sorted(self.rows.values(), key=lambda r: (r["occurred_at"], str(r["id"])), reverse=True)
        rows = [r for r in rows if (not where.actor_id or r["actor_id"] == where.actor_id)
                and (not where.target_id or r["target_id"] == where.target_id)
                and (not where.action or r["action"] == where.action or r["action"].startswith(where.action + "."))
                and (where.since is None or r["occurred_at"] >= where.since)
                and (where.until is None or r["occurred_at"] < where.until)
                and (after is None or (r["occurred_at"], str(r["id"])) < (after[0], str(after[1])))]
        return [AuditEntry(**r) for r in rows[:limit]]

    def latest(self) -> Row:
        return max(self.rows.values(), key=lambda r: r["occurred_at"])
