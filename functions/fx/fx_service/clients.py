"""The services fx calls, as small interfaces with implementations that invoke them directly.

* accounts `GET /internal/accounts?account_id=…`: who owns an account, its currency and status;
* ledger `POST /internal/exchanges`: the one double-entry exchange transaction.

Unit tests swap in fakes through `set_clients`.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from bank_shared.http import Answer, Invoker, ServiceClient
from bank_shared.internal_models import AccountInfo
from bank_shared.swappable import Swappable
from fx_service.settings import get_fx_settings

CALLS: tuple[str, ...] = ("accounts", "ledger")


class AccountsDirectory(Protocol):
    def accounts(self, account_ids: list[UUID]) -> dict[UUID, AccountInfo]: ...


class LedgerExchanges(Protocol):
    def exchange(self, key: str, order: dict[str, Any]) -> Answer: ...


def _timeout() -> float:
    return get_fx_settings().fx_dependency_timeout_seconds


class HttpAccounts:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("accounts", retries=1, timeout=_timeout, invoker=invoker)

    def accounts(self, account_ids: list[UUID]) -> dict[UUID, AccountInfo]:
        items = self._client.items("/internal/accounts", params=[("account_id", str(a)) for a in account_ids])
        return {info.id: info for info in map(AccountInfo.from_item, items)}


class HttpLedger:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("ledger", retries=2, timeout=_timeout, invoker=invoker)

    def exchange(self, key: str, order: dict[str, Any]) -> Answer:
        return self._client.call_with_key("/internal/exchanges", key, order)


_accounts = Swappable[AccountsDirectory](HttpAccounts)
_ledger = Swappable[LedgerExchanges](HttpLedger)
accounts_directory, ledger_exchanges = _accounts.get, _ledger.get


def set_clients(accounts: AccountsDirectory | None, ledger: LedgerExchanges | None) -> None:
    """Tests swap the clients (fakes); None restores the HTTP ones on next use."""
    _accounts.set(accounts)
    _ledger.set(ledger)
