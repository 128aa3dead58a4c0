"""The services office calls, behind one small interface (a fake in unit tests).

Office calls auth, accounts and ledger by invoking their functions directly with its *own* service
identity (bank_shared.http), never with the employee's token:

- lookups and user administration go to auth's and accounts' internal routes;
- actions on accounts and cards go to accounts' staff routes and name the employee office acts for in
  `X-Acting-Employee` (office has checked the employee's token and role). The callee accepts that header
  from office alone (`SERVICES_ACTING_FOR_STAFF`, set in the template), treats the call as staff and records the
  employee (who opened the account); its Idempotency-Key scope is the employee's;
- money (top-ups, reversals) goes to the ledger's internal routes once office's maker-checker allows it,
  naming the maker and the checker in the body (office_service.approvals).

Every call returns the other service's answer (status, body, replayed) so its problem codes reach the
employee unchanged; an outage (invoke failure, 5xx, or a 401/403 to office's own identity) raises
`DependencyUnavailable`, which the app answers as 503 `dependency_unavailable`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from bank_shared.auth import ACTING_EMPLOYEE_HEADER
from bank_shared.http import Answer, Invoker, ServiceClient
from bank_shared.swappable import Swappable
from office_service.settings import get_office_settings

CALLS: tuple[str, ...] = ("auth", "accounts", "ledger")


@dataclass(frozen=True)
class PostingFilter:
    """Which of a customer's postings to list: one account or all, [since, until), one page."""

    account_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 50
    cursor: str | None = None


class Services(Protocol):
    def search_users(self, kind: str, query: str | None, limit: int, cursor: str | None,
                     also: Sequence[UUID] = (), *, role: str | None = None, status: str | None = None) -> Answer: ...

    def find_accounts(self, number: str | None, card_last4: str | None) -> Answer: ...

    def set_customer_blocked(self, customer_id: UUID, blocked: bool) -> Answer: ...

    def set_employee_roles(self, employee_id: UUID, acting: str, roles: list[str]) -> Answer: ...

    def set_employee_active(self, employee_id: UUID, acting: str, active: bool) -> Answer: ...

    def customer_kyc(self, customer_id: UUID) -> Answer: ...

    def save_customer_kyc(self, customer_id: UUID, body: dict[str, Any]) -> Answer: ...

    def user(self, user_id: UUID) -> Answer: ...

    def create_customer(self, body: dict[str, Any]) -> Answer: ...

    def create_employee(self, body: dict[str, Any]) -> Answer: ...

    def customer_accounts(self, owner_id: UUID) -> Answer: ...

    def open_account(self, employee: str, key: str, body: dict[str, Any]) -> Answer: ...

    def close_account(self, employee: str, account_id: UUID) -> Answer: ...

    def issue_card(self, employee: str, key: str, account_id: UUID) -> Answer: ...

    def set_card_blocked(self, employee: str, card_id: UUID, blocked: bool) -> Answer: ...

    def account(self, account_id: UUID) -> Answer: ...

    def ledger_transaction(self, transaction_id: UUID) -> Answer: ...

    def customer_postings(self, owner_id: UUID, filters: PostingFilter) -> Answer: ...

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer: ...

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer: ...


def dependency_timeout() -> float:
    return get_office_settings().office_dependency_timeout_seconds


def acting_for(employee: str, key: str | None = None) -> dict[str, str]:
    """The headers of a call office makes for an employee (and under an Idempotency-Key, when given)."""
    headers = {ACTING_EMPLOYEE_HEADER: employee}
    return headers | {"Idempotency-Key": key} if key else headers


class AccountsForStaff:
    """accounts' staff routes, called for an employee (`X-Acting-Employee`): the base of the clients of one
    product (card_limits, products)."""

    def __init__(self, invoker: Invoker | None = None) -> None:
        self._accounts = ServiceClient("accounts", retries=1, timeout=dependency_timeout, invoker=invoker)

    def _call(self, method: str, employee: str, path: str, body: dict[str, Any] | None = None,
              params: list[tuple[str, str]] | None = None) -> Answer:
        return self._accounts.call(method, path, json=body, params=params, headers=acting_for(employee))


class HttpServices:
    def __init__(self, invoker: Invoker | None = None) -> None:
        # Only GETs and POSTs carrying an Idempotency-Key are retried by ServiceClient.
        self._auth = ServiceClient("auth", retries=1, timeout=dependency_timeout, invoker=invoker)
        self._accounts = ServiceClient("accounts", retries=1, timeout=dependency_timeout, invoker=invoker)
        self._ledger = ServiceClient("ledger", retries=1, timeout=dependency_timeout, invoker=invoker)

    def search_users(self, kind: str, query: str | None, limit: int, cursor: str | None,
                     also: Sequence[UUID] = (), *, role: str | None = None, status: str | None = None) -> Answer:
        params = [(name, value) for name, value in (("kind", kind), ("query", query), ("limit", str(limit)),
                                                    ("cursor", cursor), ("role", role), ("status", status)) if value]
        params += [("also", str(user_id)) for user_id in also]
        return self._auth.call("GET", "/internal/users", params=params)

    def find_accounts(self, number: str | None, card_last4: str | None) -> Answer:
        params = {name: value for name, value in (("number", number), ("card_last4", card_last4)) if value}
        return self._accounts.call("GET", "/internal/accounts", params=params)

    def set_customer_blocked(self, customer_id: UUID, blocked: bool) -> Answer:
        action = "block" if blocked else "unblock"
        return self._auth.call("POST", f"/internal/customers/{customer_id}/{action}")

    def set_employee_roles(self, employee_id: UUID, acting: str, roles: list[str]) -> Answer:
        body = {"acting_user_id": acting, "roles": roles}
        return self._auth.call("POST", f"/internal/employees/{employee_id}/roles", json=body)

    def set_employee_active(self, employee_id: UUID, acting: str, active: bool) -> Answer:
        action = "reactivate" if active else "deactivate"
        return self._auth.call("POST", f"/internal/employees/{employee_id}/{action}", json={"acting_user_id": acting})

    def customer_kyc(self, customer_id: UUID) -> Answer:
        return self._auth.call("GET", f"/internal/customers/{customer_id}/kyc")

    def save_customer_kyc(self, customer_id: UUID, body: dict[str, Any]) -> Answer:
        return self._auth.call("PUT", f"/internal/customers/{customer_id}/kyc", json=body)

    def user(self, user_id: UUID) -> Answer:
        return self._auth.call("GET", f"/internal/users/{user_id}")

    def create_customer(self, body: dict[str, Any]) -> Answer:
        return self._auth.call("POST", "/internal/customers", json=body)

    def create_employee(self, body: dict[str, Any]) -> Answer:
        return self._auth.call("POST", "/internal/employees", json=body)

    def customer_accounts(self, owner_id: UUID) -> Answer:
        params = [("owner_id", str(owner_id)), ("include", "balances"), ("include", "cards")]
        return self._accounts.call("GET", "/internal/accounts", params=params)

    def open_account(self, employee: str, key: str, body: dict[str, Any]) -> Answer:
        return self._accounts.call("POST", "/open", json=body, headers=acting_for(employee, key))

    def close_account(self, employee: str, account_id: UUID) -> Answer:
        return self._accounts.call("POST", f"/{account_id}/close", headers=acting_for(employee))

    def issue_card(self, employee: str, key: str, account_id: UUID) -> Answer:
        return self._accounts.call("POST", f"/{account_id}/cards", headers=acting_for(employee, key))

    def set_card_blocked(self, employee: str, card_id: UUID, blocked: bool) -> Answer:
        action = "block" if blocked else "unblock"
        return self._accounts.call("POST", f"/cards/{card_id}/{action}", headers=acting_for(employee))

    def account(self, account_id: UUID) -> Answer:
        params = {"account_id": str(account_id)}
        return self._accounts.call("GET", "/internal/accounts", params=params)

    def ledger_transaction(self, transaction_id: UUID) -> Answer:
        return self._ledger.call("GET", f"/internal/transactions/{transaction_id}")

    def customer_postings(self, owner_id: UUID, filters: PostingFilter) -> Answer:
        params = {name: value for name, value in (
            ("owner_id", str(owner_id)), ("account_id", str(filters.account_id) if filters.account_id else None),
            ("from", filters.since.isoformat() if filters.since else None),
            ("to", filters.until.isoformat() if filters.until else None),
            ("limit", str(filters.limit)), ("cursor", filters.cursor)) if value}
        return self._ledger.call("GET", "/internal/transactions", params=params)

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer:
        return self._ledger.call_with_key("/internal/topups", key, body)

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer:
        return self._ledger.call_with_key(f"/internal/transactions/{transaction_id}/reversal", key, body)


_services = Swappable[Services](HttpServices)
get_services, set_services = _services.get, _services.set
