"""The services utilities calls, as small interfaces with HTTP implementations (service token, gateway).

* accounts `GET /internal/accounts?account_id=…`: who owns the paying account, its currency and status;
* ledger `POST /internal/holds`, `/internal/holds/{id}/capture`, `/internal/holds/{id}/void`: the saga's
  steps, each under its own Idempotency-Key; `POST /internal/accounts`: the providers' accounts (seed).

Money-moving calls return the ledger's answer (status, body, replayed) so its problem codes reach the
customer unchanged; 5xx, 401 and 403 mean the ledger could not answer (DependencyUnavailable).
Unit tests swap in fakes through `set_clients`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import httpx

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import ServiceClient
from utilities_service.settings import get_utilities_settings


@dataclass(frozen=True)
class AccountInfo:
    id: UUID
    owner_id: UUID
    currency: str
    status: str


@dataclass(frozen=True)
class LedgerAnswer:
    status: int
    body: dict[str, Any]
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class AccountsDirectory(Protocol):
    def account(self, account_id: UUID) -> AccountInfo | None: ...


class LedgerHolds(Protocol):
    def hold(self, key: str, body: dict[str, Any]) -> LedgerAnswer: ...

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> LedgerAnswer: ...

    def void(self, key: str, hold_id: UUID) -> LedgerAnswer: ...


def _default_token() -> Callable[[], str]:
    from bank_shared.service_auth import service_token

    return service_token


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def _timeout() -> float:
    return get_utilities_settings().utilities_dependency_timeout_seconds


class HttpAccounts:
    def __init__(self, token: Callable[[], str] | None = None, client: httpx.Client | None = None) -> None:
        self._client = ServiceClient("accounts", token or _default_token(), retries=1, client=client)

    def account(self, account_id: UUID) -> AccountInfo | None:
        response = self._client.get("/internal/accounts", params=[("account_id", str(account_id))],
                                    timeout=_timeout())
        if response.status_code != 200:
            raise DependencyUnavailable(f"accounts answered {response.status_code}", dependency="accounts")
        for item in _json(response).get("items", []):
            if item.get("id") == str(account_id):
                return AccountInfo(UUID(item["id"]), UUID(item["owner_id"]), item["currency"], item["status"])
        return None


class HttpLedger:
    def __init__(self, token: Callable[[], str] | None = None, client: httpx.Client | None = None) -> None:
        self._client = ServiceClient("ledger", token or _default_token(), retries=2, client=client)

    def _post(self, path: str, key: str, body: dict[str, Any] | None) -> LedgerAnswer:
        response = self._client.post(path, json=body, headers={"Idempotency-Key": key}, timeout=_timeout())
        if response.status_code >= 500 or response.status_code in (401, 403):
            raise DependencyUnavailable(f"ledger answered {response.status_code}", dependency="ledger")
        return LedgerAnswer(response.status_code, _json(response),
                            response.headers.get("Idempotent-Replayed") == "true")

    def hold(self, key: str, body: dict[str, Any]) -> LedgerAnswer:
        return self._post("/internal/holds", key, body)

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> LedgerAnswer:
        return self._post(f"/internal/holds/{hold_id}/capture", key, body)

    def void(self, key: str, hold_id: UUID) -> LedgerAnswer:
        return self._post(f"/internal/holds/{hold_id}/void", key, None)

    def register_account(self, account_id: UUID, owner_id: UUID, currency: str) -> LedgerAnswer:
        """The provider's settlement account in the ledger (idempotent by account_id there)."""
        response = self._client.post("/internal/accounts", json={"account_id": str(account_id),
                                                                 "owner_id": str(owner_id), "currency": currency},
                                     timeout=_timeout())
        return LedgerAnswer(response.status_code, _json(response))


_accounts: AccountsDirectory | None = None
_ledger: LedgerHolds | None = None


def accounts_directory() -> AccountsDirectory:
    global _accounts
    if _accounts is None:
        _accounts = HttpAccounts()
    return _accounts


def ledger_holds() -> LedgerHolds:
    global _ledger
    if _ledger is None:
        _ledger = HttpLedger()
    return _ledger


def set_clients(accounts: AccountsDirectory | None, ledger: LedgerHolds | None) -> None:
    """Tests swap the clients (fakes); None restores the HTTP ones on next use."""
    global _accounts, _ledger
    _accounts, _ledger = accounts, ledger
