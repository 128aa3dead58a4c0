"""The services office calls, behind one small interface (a fake in unit tests).

Two kinds of call, both through the gateway:

- lookups and user administration in auth and the accounts lookup go to their internal routes with this
  service's client-credentials token (role `service`);
- actions on accounts and cards go to accounts' own staff routes with the *employee's* bearer token
  relayed, so its role and object-level checks, its Idempotency-Key scope and its records (e.g. who opened
  an account) name the employee, not office;
- money (top-ups, reversals) goes to the ledger's internal routes with this service's token, once
  office's maker-checker allows it, naming the maker and the checker in the body (office_service.approvals).

Every call returns the other service's answer (status, body, replayed) so its problem codes reach the
employee unchanged; an outage (transport error, 5xx, or auth refusing office's own token) raises
`DependencyUnavailable`, which the app answers as 503 `dependency_unavailable`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from bank_shared.http import Answer, ServiceClient, answer_of
from office_service.settings import get_office_settings

if TYPE_CHECKING:  # httpx loads with the first call (bank_shared.http), not at cold start
    import httpx


class Services(Protocol):
    def search_users(self, kind: str, query: str | None, limit: int, cursor: str | None) -> Answer: ...

    def user(self, user_id: UUID) -> Answer: ...

    def create_customer(self, body: dict[str, Any]) -> Answer: ...

    def create_employee(self, body: dict[str, Any]) -> Answer: ...

    def customer_accounts(self, owner_id: UUID) -> Answer: ...

    def open_account(self, caller_token: str, key: str, body: dict[str, Any]) -> Answer: ...

    def close_account(self, caller_token: str, account_id: UUID) -> Answer: ...

    def issue_card(self, caller_token: str, key: str, account_id: UUID) -> Answer: ...

    def set_card_blocked(self, caller_token: str, card_id: UUID, blocked: bool) -> Answer: ...

    def account(self, account_id: UUID) -> Answer: ...

    def ledger_transaction(self, transaction_id: UUID) -> Answer: ...

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer: ...

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer: ...


class HttpServices:
    def __init__(self, token: Callable[[], str] | None = None, client: httpx.Client | None = None) -> None:
        self._http = client
        self._auth = ServiceClient.as_service("auth", token, retries=1, client=client)
        self._accounts = ServiceClient.as_service("accounts", token, retries=1, client=client)
        self._ledger = ServiceClient.as_service("ledger", token, retries=1, client=client)

    @property
    def _timeout(self) -> float:
        return get_office_settings().office_dependency_timeout_seconds

    def _as_caller(self, service: str, caller_token: str) -> ServiceClient:
        # Only GETs and POSTs carrying an Idempotency-Key are retried by ServiceClient.
        return ServiceClient(service, lambda: caller_token, retries=1, client=self._http)

    def search_users(self, kind: str, query: str | None, limit: int, cursor: str | None) -> Answer:
        params = {name: value for name, value in (("kind", kind), ("query", query), ("limit", str(limit)),
                                                  ("cursor", cursor)) if value}
        return answer_of(self._auth.get("/internal/users", params=params, timeout=self._timeout), "auth")

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

    def open_account(self, caller_token: str, key: str, body: dict[str, Any]) -> Answer:
        response = self._as_caller("accounts", caller_token).post(
            "/open", json=body, headers={"Idempotency-Key": key}, timeout=self._timeout)
        return answer_of(response, "accounts", relayed_token=True)

    def close_account(self, caller_token: str, account_id: UUID) -> Answer:
        response = self._as_caller("accounts", caller_token).post(f"/{account_id}/close", timeout=self._timeout)
        return answer_of(response, "accounts", relayed_token=True)

    def issue_card(self, caller_token: str, key: str, account_id: UUID) -> Answer:
        response = self._as_caller("accounts", caller_token).post(
            f"/{account_id}/cards", headers={"Idempotency-Key": key}, timeout=self._timeout)
        return answer_of(response, "accounts", relayed_token=True)

    def set_card_blocked(self, caller_token: str, card_id: UUID, blocked: bool) -> Answer:
        action = "block" if blocked else "unblock"
        response = self._as_caller("accounts", caller_token).post(f"/cards/{card_id}/{action}",
                                                                   timeout=self._timeout)
        return answer_of(response, "accounts", relayed_token=True)

    def account(self, account_id: UUID) -> Answer:
        params = {"account_id": str(account_id)}
        return answer_of(self._accounts.get("/internal/accounts", params=params, timeout=self._timeout), "accounts")

    def ledger_transaction(self, transaction_id: UUID) -> Answer:
        return answer_of(self._ledger.get(f"/internal/transactions/{transaction_id}", timeout=self._timeout), "ledger")

    def execute_topup(self, key: str, body: dict[str, Any]) -> Answer:
        return self._ledger.post_with_key("/internal/topups", key, body, self._timeout)

    def reverse_transaction(self, key: str, transaction_id: UUID, body: dict[str, Any]) -> Answer:
        return self._ledger.post_with_key(f"/internal/transactions/{transaction_id}/reversal", key, body,
                                          self._timeout)


_services: Services | None = None


def get_services() -> Services:
    global _services
    if _services is None:
        _services = HttpServices()
    return _services


def set_services(services: Services | None) -> None:
    """Tests swap in a fake; None restores the HTTP implementation on next use."""
    global _services
    _services = services
