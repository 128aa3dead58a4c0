"""The services utilities calls, as small interfaces with implementations that invoke them directly.

* accounts `GET /internal/accounts?account_id=…`: who owns the paying account, its currency and status;
* ledger `POST /internal/holds`, `/internal/holds/{id}/capture`, `/internal/holds/{id}/void`: the saga's
  steps, each under its own Idempotency-Key; `POST /internal/accounts`: the providers' settlement accounts (on a
  provider's first payment, and when an admin creates a provider).

Money-moving calls return the ledger's answer (status, body, replayed) so its problem codes reach the
customer unchanged; 5xx, 401 and 403 mean the ledger could not answer (DependencyUnavailable).
Unit tests swap in fakes through `set_clients`.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer, Invoker, ServiceClient, json_body
from bank_shared.internal_models import AccountInfo
from bank_shared.ledger_holds import HoldCalls, HttpHoldCalls
from bank_shared.swappable import Swappable
from utilities_service.settings import get_utilities_settings

CALLS: tuple[str, ...] = ("accounts", "ledger")


class AccountsDirectory(Protocol):
    def account(self, account_id: UUID) -> AccountInfo | None: ...


class LedgerHolds(HoldCalls, Protocol):
    def ensure_settlement_account(self, account_id: UUID, owner_id: UUID, currency: str) -> None: ...


class LedgerAccounts(Protocol):
    def open_settlement_account(self, account_id: UUID, owner_id: UUID, currency: str) -> None: ...


def _timeout() -> float:
    return get_utilities_settings().utilities_dependency_timeout_seconds


class HttpAccounts:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("accounts", retries=1, timeout=_timeout, invoker=invoker)

    def account(self, account_id: UUID) -> AccountInfo | None:
        for item in self._client.items("/internal/accounts", params=[("account_id", str(account_id))]):
            if item.get("id") == str(account_id):
                return AccountInfo.from_item(item)
        return None


class HttpLedger(HttpHoldCalls):
    def __init__(self, invoker: Invoker | None = None) -> None:
        super().__init__(ServiceClient("ledger", retries=2, timeout=_timeout, invoker=invoker))
        self._settlement_accounts: set[UUID] = set()  # registered by this process already

    def ensure_settlement_account(self, account_id: UUID, owner_id: UUID, currency: str) -> None:
        """A provider's settlement account exists in the ledger before money is captured to it: registered on the
        first payment to the provider in this process (idempotent in the ledger), so a new deployment needs no
        seeding step. A refusal is left to the capture, which then fails with the ledger's own answer."""
        if account_id in self._settlement_accounts:
            return
        if self.register_account(account_id, owner_id, currency).status in (200, 201):
            self._settlement_accounts.add(account_id)

    def open_settlement_account(self, account_id: UUID, owner_id: UUID, currency: str) -> None:
        """A new provider's settlement account in the ledger, before the provider is written (idempotent there);
        any refusal means the provider cannot be created now (DependencyUnavailable: retry with the same key)."""
        answer = self.register_account(account_id, owner_id, currency)
        if answer.status not in (200, 201):
            raise DependencyUnavailable(f"the ledger did not open the settlement account ({answer.status})",
                                        dependency="ledger")
        self._settlement_accounts.add(account_id)

    def register_account(self, account_id: UUID, owner_id: UUID, currency: str) -> Answer:
        """The provider's settlement account in the ledger (idempotent by account_id there)."""
        response = self._client.post("/internal/accounts", json={"account_id": str(account_id),
                                                                 "owner_id": str(owner_id), "currency": currency})
        return Answer(response.status_code, json_body(response))


_accounts = Swappable[AccountsDirectory](HttpAccounts)
_ledger = Swappable[LedgerHolds](HttpLedger)
_ledger_accounts = Swappable[LedgerAccounts](HttpLedger)
accounts_directory, ledger_holds, ledger_accounts = _accounts.get, _ledger.get, _ledger_accounts.get


def set_clients(accounts: AccountsDirectory | None, ledger: LedgerHolds | None) -> None:
    """Tests swap the clients (fakes); None restores the HTTP ones on next use."""
    _accounts.set(accounts)
    _ledger.set(ledger)


def set_ledger_accounts(ledger: LedgerAccounts | None) -> None:
    """Tests swap the ledger's account registration (a fake); None restores the HTTP one on next use."""
    _ledger_accounts.set(ledger)
