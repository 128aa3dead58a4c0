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
from bank_shared.http import Answer, Invoker, ServiceClient, answer_of
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


def _for(employee: str, key: str | None = None) -> dict[str, str]:
    headers = {ACTING_EMPLOYEE_HEADER: employee}
    return headers | {"Idempotency-Key": key} if key else headers


class HttpServices:
    def __init__(self, invoker: Invoker | None = None) -> None:
        # Only GETs and POSTs carrying an Idempotency-Key are retried by ServiceClient.
        self._auth = ServiceClient("auth", retries=1, invoker=invoker)
        self._accounts = ServiceClient("accounts", retries=1, invoker=invoker)
        self._ledger = ServiceClient("ledger", retries=1, invoker=invoker)

    @property
    def _timeout(self) -> float:
        return get_office_settings().office_dependency_timeout_seconds

    def search_users(self, kind: str, query: str | None, limit: int, cursor: str | None,
                     also: Sequence[UUID] = (), *, role: str | None = None, status: str | None = None) -> Answer:
        params = [(name, value) for name, value in (("kind", kind), ("query", query), ("limit", str(limit)),
                                                    ("cursor", cursor), ("role", role), ("status", status)) if value]
        params += [("also", str(user_id)) for user_id in also]
        return answer_of(self._auth.get("/internal/users", params=params, timeout=self._timeout), "auth")

    def find_accounts(self, number: str | None, card_last4: str | None) -> Answer:
        params = {name: value for name, value in (("number", number), ("card_last4", card_last4)) if value}
        return answer_of(self._accounts.get("/internal/accounts", params=params, timeout=self._timeout),
                         "accounts")

    def set_customer_blocked(self, customer_id: UUID, blocked: bool) -> Answer:
        action = "block" if blocked else "unblock"
        return answer_of(self._auth.post(f"/internal/customers/{customer_id}/{action}", timeout=self._timeout),
                         "auth")

    def set_employee_roles(self, employee_id: UUID, acting: str, roles: list[str]) -> Answer:
        body = {"acting_user_id": acting, "roles": roles}
        return answer_of(self._auth.post(f"/internal/employees/{employee_id}/roles", json=body,
                                         timeout=self._timeout), "auth")

    def set_employee_active(self, employee_id: UUID, acting: str, active: bool) -> Answer:
        action = "reactivate" if active else "deactivate"
        return answer_of(self._auth.post(f"/internal/employees/{employee_id}/{action}",
                                         json={"acting_user_id": acting}, timeout=self._timeout), "auth")

    def customer_kyc(self, customer_id: UUID) -> Answer:
        return answer_of(self._auth.get(f"/internal/customers/{customer_id}/kyc", timeout=self._timeout), "auth")

    def save_customer_kyc(self, customer_id: UUID, body: dict[str, Any]) -> Answer:
        return answer_of(self._auth.request("PUT", f"/internal/customers/{customer_id}/kyc", json=body,
                                            timeout=self._timeout), "auth")

    def user(self, user_id: UUID) -> Answer:
        return answer_of(self._auth.get(f"/internal/users/{user_id}", timeout=self._timeout), "auth")

    def create_customer(self, body: dict[str, Any]) -> Answer:
        return answer_of(self._auth.post("/internal/customers", json=body, timeout=self._timeout), "auth")

    def create_employee(self, body: dict[str, Any]) -> Answer:
        return answer_of(self._auth.post("/internal/employees", json=body, timeout=self._timeout), "auth")

    def customer_accounts(self, owner_id: UUID) -> Answer:
        params = [("owner_id", str(owner_id)), ("include", "balances"), ("include", "cards")]
        return answer_of(self._accounts.get("/internal/accounts", params=params, timeout=self._timeout),
                         "accounts")

    def open_account(self, employee: str, key: str, body: dict[str, Any]) -> Answer:
        response = self._accounts.post("/open", json=body, headers=_for(employee, key), timeout=self._timeout)
        return answer_of(response, "accounts")

    def close_account(self, employee: str, account_id: UUID) -> Answer:
        response = self._accounts.post(f"/{account_id}/close", headers=_for(employee), timeout=self._timeout)
        return answer_of(response, "accounts")

    def issue_card(self, employee: str, key: str, account_id: UUID) -> Answer:
        response = self._accounts.post(f"/{account_id}/cards", headers=_for(employee, key), timeout=self._timeout)
        return answer_of(response, "accounts")

    def set_card_blocked(self, employee: str, card_id: UUID, blocked: bool) -> Answer:
        action = "block" if blocked else "unblock"
        response = self._accounts.post(f"/cards/{card_id}/{action}", headers=_for(employee), timeout=self._timeout)
        return answer_of(response, "accounts")

    def account(self, account_id: UUID) -> Answer:
        params = {"account_id": str(account_id)}
        return answer_of(self._accounts.get("/internal/accounts", params=params, timeout=self._timeout), "accounts")

    def ledger_transaction(self, transaction_id: UUID) -> Answer:
        return answer_of(self._ledger.get(f"/internal/transactions/{transaction_id}", timeout=self._timeout), "ledger")

    def customer_postings(self, owner_id: UUID, filters: PostingFilter) -> Answer:
        params = {name: value for name, value in (
            ("owner_id", str(owner_id)), ("account_id", str(filters.account_id) if filters.account_id else None),
            ("from", filters.since.isoformat() if filters.since else None),
            ("to", filters.until.isoformat() if filters.until else None),
            ("limit", str(filters.limit)), ("cursor", filters.cursor)) if value}
        return answer_of(self._ledger.get("/internal/transactions", params=params, timeout=self._timeout), "ledger")

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer:
        return self._ledger.post_with_key("/internal/topups", key, body, self._timeout)

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer:
        return self._ledger.post_with_key(f"/internal/transactions/{transaction_id}/reversal", key, body,
                                          self._timeout)


_services = Swappable[Services](HttpServices)
get_services, set_services = _services.get, _services.set
