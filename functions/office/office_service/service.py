"""Use cases of the office service: every back-office action an employee takes, each one recorded in the
audit log before it runs and completed with its outcome. No HTTP, no SQL here.

Office owns no customer, account or card data: it checks what it must (the target is a customer), calls
the owning service and hands its answer back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.errors import AppError, DependencyUnavailable, NotFound
from bank_shared.http import Answer
from bank_shared.observability import current_request_id, logger
from bank_shared.timestamps import utc_text_or_none
from office_service.audit_query import check_export_size
from office_service.clients import PostingFilter, Services
from office_service.repository import AuditEntry, AuditFilter, AuditLog, NewEntry, Outcome


class CustomerNotFound(NotFound):
    code, title = "customer_not_found", "Customer not found"


class EmployeeNotFound(NotFound):
    code, title = "employee_not_found", "Employee not found"


@dataclass(frozen=True)
class Actor:
    """The employee acting (office names them to accounts and ledger, which record them)."""

    id: str
    roles: frozenset[str]
    request_id: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        """The employee whose verified token called office; office acts for them downstream."""
        return cls(principal.subject, principal.roles, current_request_id())


@dataclass(frozen=True)
class Office:
    services: Services
    audit: AuditLog

    def _perform(self, actor: Actor, action: str, target_type: str, target_id: str | None,
                 call: Callable[[], Answer], *, key: str | None = None, details: dict[str, Any] | None = None,
                 new_target: Callable[[dict[str, Any]], str | None] | None = None) -> Answer:
        """Open an audit entry (no entry, no action), run the call, complete the entry with its outcome."""
        entry = self.audit.start(NewEntry(actor.id, sorted(actor.roles), action, target_type, target_id,
                                          actor.request_id, key, details or {}))
        try:
            answer = call()
        except AppError as error:
            self._finish(entry, Outcome("failed" if error.status >= 500 else "refused", error.status, error.code))
            raise
        except Exception:
            self._finish(entry, Outcome("failed", 500, "internal_error"))
            raise
        created = new_target(answer.body) if new_target and answer.ok else None
        self._finish(entry, Outcome("succeeded" if answer.ok else "refused", answer.status,
                                    None if answer.ok else str(answer.body.get("code") or "") or None,
                                    created, answer.replayed))
        return answer

    def _finish(self, entry: UUID, outcome: Outcome) -> None:
        """The action already happened; a failure to complete its entry leaves it `pending` (still visible)
        and must not turn a done action into an error for the employee."""
        try:
            self.audit.finish(entry, outcome)
        except AppError:
            logger.exception("could not complete the audit entry", extra={"audit_id": str(entry)})

    # ----------------------------------------------------------------------------------------- customers

    def create_customer(self, actor: Actor, email: str, full_name: str, phone: str | None) -> Answer:
        body = {"email": email, "full_name": full_name, "phone": phone}
        return self._perform(actor, "customer.create", "customer", None,
                             lambda: self.services.create_customer(body), details={"email": email},
                             new_target=lambda created: str(created.get("id") or "") or None)

    def search_customers(self, actor: Actor, query: str | None, limit: int, cursor: str | None) -> Answer:
        """Customers by e-mail, name (any script), phone (auth), or owning the account number or the card
        ending in the digits given (accounts)."""
        return self._perform(actor, "customer.search", "customer", None,
                             lambda: self.services.search_users("customer", query, limit, cursor,
                                                                self._owners_matching(query)),
                             details={"query": query or ""})

    def _owners_matching(self, query: str | None) -> list[UUID]:
        """Owners of the account whose number, or of the cards whose last four digits, the query is (20 or
        4 digits, spaces and dashes allowed); none for any other query."""
        digits = re.sub(r"[\s-]", "", query or "")
        if not digits.isascii() or not digits.isdigit() or len(digits) not in (4, 20):
            return []
        answer = self.services.find_accounts(digits if len(digits) == 20 else None,
                                             digits if len(digits) == 4 else None)
        if not answer.ok:
            raise DependencyUnavailable(f"accounts answered {answer.status}", dependency="accounts")
        return sorted({UUID(account["owner_id"]) for account in answer.body.get("items", [])}, key=str)

    def _customer(self, customer_id: UUID) -> dict[str, Any]:
        answer = self.services.user(customer_id)
        if answer.status == 404 or (answer.ok and "customer" not in answer.body.get("roles", [])):
            raise CustomerNotFound(f"No customer {customer_id}")
        if not answer.ok:
            raise DependencyUnavailable(f"auth answered {answer.status}", dependency="auth")
        return answer.body

    def customer_card(self, actor: Actor, customer_id: UUID) -> Answer:
        """The customer's profile and accounts (with balances and cards) in one answer."""

        def call() -> Answer:
            profile = self._customer(customer_id)
            accounts = self.services.customer_accounts(customer_id)
            if not accounts.ok:
                raise DependencyUnavailable(f"accounts answered {accounts.status}", dependency="accounts")
            return Answer(200, {"profile": profile, "accounts": accounts.body.get("items", [])})

        return self._perform(actor, "customer.view", "customer", str(customer_id), call)

    def customer_transactions(self, actor: Actor, customer_id: UUID, filters: PostingFilter) -> Answer:
        """The customer's postings across their accounts (or one of them), newest first, from the ledger;
        audited as a read like the card itself."""

        def call() -> Answer:
            self._customer(customer_id)
            answer = self.services.customer_postings(customer_id, filters)
            if not answer.ok and answer.status != 400:
                raise DependencyUnavailable(f"ledger answered {answer.status}", dependency="ledger")
            return answer

        details = {"account_id": str(filters.account_id) if filters.account_id else None,
                   "from": filters.since.isoformat() if filters.since else None,
                   "to": filters.until.isoformat() if filters.until else None}
        return self._perform(actor, "customer.transactions.view", "customer", str(customer_id), call,
                             details=details)

    def set_customer_blocked(self, actor: Actor, customer_id: UUID, blocked: bool, reason: str) -> Answer:
        """Block (sign-in refused, sessions revoked by auth) or unblock a customer; the reason is recorded in
        the audit log, never elsewhere."""

        def call() -> Answer:
            self._customer(customer_id)
            return self.services.set_customer_blocked(customer_id, blocked)

        return self._perform(actor, "customer.block" if blocked else "customer.unblock", "customer",
                             str(customer_id), call, details={"reason": reason})

    def customer_kyc(self, actor: Actor, customer_id: UUID) -> Answer:
        """The customer's KYC data (the document number masked by auth)."""

        def call() -> Answer:
            self._customer(customer_id)
            return self.services.customer_kyc(customer_id)

        return self._perform(actor, "customer.kyc.view", "customer", str(customer_id), call)

    def save_customer_kyc(self, actor: Actor, customer_id: UUID, kyc: dict[str, Any]) -> Answer:
        """Record or replace the customer's KYC data; the audit entry names the fields, never their values."""

        def call() -> Answer:
            self._customer(customer_id)
            return self.services.save_customer_kyc(customer_id, kyc)

        return self._perform(actor, "customer.kyc.edit", "customer", str(customer_id), call,
                             details={"fields": sorted(kyc)})

    # ----------------------------------------------------------------------------------------- staff

    def list_employees(self, actor: Actor, query: str | None, limit: int, cursor: str | None,
                       role: str | None = None, status: str | None = None) -> Answer:
        """Staff (employees and admins) by e-mail, name or phone, optionally of one role or status."""
        return self._perform(actor, "employee.list", "employee", None,
                             lambda: self.services.search_users("staff", query, limit, cursor, role=role,
                                                                status=status),
                             details={"query": query or "", "role": role, "status": status})

    def _employee(self, employee_id: UUID) -> dict[str, Any]:
        answer = self.services.user(employee_id)
        if answer.status == 404 or (answer.ok and not {"employee", "admin"} & set(answer.body.get("roles", []))):
            raise EmployeeNotFound(f"No employee {employee_id}")
        if not answer.ok:
            raise DependencyUnavailable(f"auth answered {answer.status}", dependency="auth")
        return answer.body

    def set_employee_roles(self, actor: Actor, employee_id: UUID, roles: list[str], reason: str) -> Answer:
        """Replace an employee's roles (auth refuses an admin dropping their own admin role and ends the
        employee's sessions); the audit entry keeps the new roles and the reason."""
        wanted = sorted(set(roles))

        def call() -> Answer:
            self._employee(employee_id)
            return self.services.set_employee_roles(employee_id, actor.id, wanted)

        return self._perform(actor, "employee.roles", "employee", str(employee_id), call,
                             details={"reason": reason, "roles": wanted})

    def set_employee_active(self, actor: Actor, employee_id: UUID, active: bool, reason: str) -> Answer:
        """Deactivate (sign-in refused, sessions revoked by auth; never oneself) or reactivate an employee."""

        def call() -> Answer:
            self._employee(employee_id)
            return self.services.set_employee_active(employee_id, actor.id, active)

        return self._perform(actor, "employee.reactivate" if active else "employee.deactivate", "employee",
                             str(employee_id), call, details={"reason": reason})

    def create_employee(self, actor: Actor, request: dict[str, Any]) -> Answer:
        details = {"email": request["email"], "roles": request["roles"]}  # never the password
        return self._perform(actor, "employee.create", "employee", None,
                             lambda: self.services.create_employee(request), details=details,
                             new_target=lambda created: str(created.get("id") or "") or None)

    # ----------------------------------------------------------------------------------------- accounts, cards

    def open_account(self, actor: Actor, key: str, customer_id: UUID, product_code: str, currency: str) -> Answer:
        def call() -> Answer:
            self._customer(customer_id)  # accounts trusts staff's owner_id: office makes sure it is a customer
            return self.services.open_account(actor.id, key, {"product_code": product_code, "currency": currency,
                                                                  "owner_id": str(customer_id)})

        return self._perform(actor, "account.open", "customer", str(customer_id), call, key=key,
                             details={"product_code": product_code, "currency": currency})

    def close_account(self, actor: Actor, account_id: UUID, reason: str | None = None) -> Answer:
        return self._perform(actor, "account.close", "account", str(account_id),
                             lambda: self.services.close_account(actor.id, account_id),
                             details={"reason": reason} if reason else None)

    def issue_card(self, actor: Actor, key: str, account_id: UUID) -> Answer:
        return self._perform(actor, "card.issue", "account", str(account_id),
                             lambda: self.services.issue_card(actor.id, key, account_id), key=key)

    def set_card_blocked(self, actor: Actor, card_id: UUID, blocked: bool, reason: str | None = None) -> Answer:
        return self._perform(actor, "card.block" if blocked else "card.unblock", "card", str(card_id),
                             lambda: self.services.set_card_blocked(actor.id, card_id, blocked),
                             details={"reason": reason} if reason else None)

    # ----------------------------------------------------------------------------------------- audit

    def audit_page(self, after: tuple[datetime, UUID] | None, limit: int,
                   where: AuditFilter) -> tuple[list[dict[str, Any]], tuple[datetime, UUID] | None]:
        rows = self.audit.page(after, limit + 1, where)
        more = len(rows) > limit
        rows = rows[:limit]
        return [audit_view(row) for row in rows], ((rows[-1].occurred_at, rows[-1].id) if more else None)

    def audit_export(self, actor: Actor, where: AuditFilter, cap: int) -> list[dict[str, Any]]:
        """Every entry matching the filter, newest first, at most `cap` (more is refused); the export itself
        is audited with its filters."""
        found: list[dict[str, Any]] = []

        def call() -> Answer:
            rows = self.audit.page(None, cap + 1, where)
            check_export_size(len(rows))
            found.extend(audit_view(row) for row in rows)
            return Answer(200, {"rows": len(rows)})

        filters = {name: value.isoformat() if isinstance(value, datetime) else value
                   for name, value in where.__dict__.items() if value is not None}
        self._perform(actor, "audit.export", "audit", None, call, details=filters)
        return found


def audit_view(row: AuditEntry) -> dict[str, Any]:
    return {"id": str(row.id), "occurred_at": utc_text_or_none(row.occurred_at), "actor_id": row.actor_id,
            "actor_roles": list(row.actor_roles), "action": row.action, "target_type": row.target_type,
            "target_id": row.target_id, "request_id": row.request_id,
            "idempotency_key": row.idempotency_key, "details": row.details, "outcome": row.outcome,
            "status": row.status, "code": row.code, "replayed": row.replayed,
            "completed_at": utc_text_or_none(row.completed_at)}
