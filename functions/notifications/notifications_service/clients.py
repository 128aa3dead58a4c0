"""The services the consumers ask, invoked directly: accounts (`GET /internal/accounts?account_id=…`), to learn
whose accounts a payment touched (system accounts — cash, issuance, FX positions — are unknown to accounts and
so have no owner to notify), and auth (`GET /internal/users/{id}`), for the address and name a mail goes to.
Unit tests swap in fakes through `set_accounts` / `set_users`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from bank_shared.http import Invoker, ServiceClient
from bank_shared.swappable import Swappable
from notifications_service.settings import get_notifications_settings

CALLS: tuple[str, ...] = ("accounts", "auth")
# Asked only in the consumers' look-up phase, before their transaction opens (bank_shared.events.consumer).


@dataclass(frozen=True)
class AccountOwner:
    account_id: UUID
    owner_id: UUID
    number: str


class AccountsDirectory(Protocol):
    def owners(self, account_ids: list[UUID]) -> dict[UUID, AccountOwner]: ...


def _timeout() -> float:
    return get_notifications_settings().dependency_timeout_seconds


class HttpAccounts:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("accounts", retries=1, timeout=_timeout, invoker=invoker)

    def owners(self, account_ids: list[UUID]) -> dict[UUID, AccountOwner]:
        # An outage raises DependencyUnavailable: the batch is retried by the event source.
        found: dict[UUID, AccountOwner] = {}
        for item in self._client.items("/internal/accounts", params=[("account_id", str(a)) for a in account_ids]):
            owner = AccountOwner(UUID(item["id"]), UUID(item["owner_id"]), str(item.get("number") or ""))
            found[owner.account_id] = owner
        return found


_accounts = Swappable[AccountsDirectory](HttpAccounts)
accounts_directory, set_accounts = _accounts.get, _accounts.set


@dataclass(frozen=True)
class Recipient:
    user_id: UUID
    email: str
    full_name: str


class UsersDirectory(Protocol):
    def recipient(self, user_id: UUID) -> Recipient | None: ...


class HttpUsers:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("auth", retries=1, timeout=_timeout, invoker=invoker)

    def recipient(self, user_id: UUID) -> Recipient | None:
        body = self._client.find(f"/internal/users/{user_id}")
        return None if body is None else Recipient(user_id, str(body["email"]), str(body.get("full_name") or ""))


_users = Swappable[UsersDirectory](HttpUsers)
users_directory, set_users = _users.get, _users.set
