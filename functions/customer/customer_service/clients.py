"""The services the customer service calls, behind one small interface (fakes in unit tests).

Every call invokes the other service's function directly as this service (role `service`,
bank_shared.http): their internal routes, or fx's quote/exchange routes naming the customer in `owner_id`
(utilities' `/pay` likewise, naming the customer in `payer_id`).
Lookups raise `DependencyUnavailable` on anything but success; money-moving calls return the other
service's answer (status, body, replayed) so its problem codes reach the customer unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer, Invoker, ServiceClient
from bank_shared.swappable import Swappable
from customer_service.settings import get_customer_settings

CALLS: tuple[str, ...] = ("auth", "accounts", "ledger", "fx", "notifications", "utilities")


class Services(Protocol):
    def profile(self, user_id: UUID, timeout: float) -> dict[str, Any]: ...

    def accounts(self, timeout: float, *, owner_id: UUID | None = None, currency: str | None = None,
                 number: str | None = None, account_ids: Sequence[UUID] = (),
                 include: Sequence[str] = ()) -> list[dict[str, Any]]: ...

    def users_by_phone(self, phone: str, timeout: float) -> list[dict[str, Any]]: ...

    def balance(self, account_id: UUID, timeout: float) -> dict[str, Any] | None: ...

    def recent_transactions(self, owner_id: UUID, limit: int, timeout: float) -> list[dict[str, Any]]: ...

    def unread_notifications(self, user_id: UUID, timeout: float) -> int: ...

    def transfer(self, key: str, body: dict[str, Any]) -> Answer: ...

    def fx_quote(self, key: str, body: dict[str, Any]) -> Answer: ...

    def fx_exchange(self, key: str, body: dict[str, Any]) -> Answer: ...

    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer: ...

    def transaction(self, transaction_id: UUID, timeout: float) -> dict[str, Any] | None: ...

    def account_postings(self, account_id: UUID, since: str, until: str, timeout: float) -> list[dict[str, Any]]: ...


def _money_timeout() -> float:
    return get_customer_settings().customer_dependency_timeout_seconds


class HttpServices:
    def __init__(self, invoker: Invoker | None = None) -> None:
        # Reads are retried once by ServiceClient; the dashboard's deadline bounds the whole wait (each lookup
        # names its own timeout); money-moving calls wait `customer_dependency_timeout_seconds`.
        self._auth = ServiceClient("auth", retries=1, timeout=_money_timeout, invoker=invoker)
        self._accounts = ServiceClient("accounts", retries=1, timeout=_money_timeout, invoker=invoker)
        self._ledger = ServiceClient("ledger", retries=1, timeout=_money_timeout, invoker=invoker)
        self._fx = ServiceClient("fx", retries=1, timeout=_money_timeout, invoker=invoker)
        self._notifications = ServiceClient("notifications", retries=1, timeout=_money_timeout, invoker=invoker)
        self._utilities = ServiceClient("utilities", retries=1, timeout=_money_timeout, invoker=invoker)

    def profile(self, user_id: UUID, timeout: float) -> dict[str, Any]:
        return self._auth.get_json(f"/internal/users/{user_id}", timeout=timeout)

    def accounts(self, timeout: float, *, owner_id: UUID | None = None, currency: str | None = None,
                 number: str | None = None, account_ids: Sequence[UUID] = (),
                 include: Sequence[str] = ()) -> list[dict[str, Any]]:
        params: list[tuple[str, str]] = [("account_id", str(a)) for a in account_ids]
        params += [(name, value) for name, value in (("owner_id", str(owner_id) if owner_id else None),
                                                     ("currency", currency), ("number", number)) if value]
        params += [("include", part) for part in include]
        return self._accounts.items("/internal/accounts", params=params, timeout=timeout)

    def users_by_phone(self, phone: str, timeout: float) -> list[dict[str, Any]]:
        return self._auth.items("/internal/users/by-phone", params={"phone": phone}, timeout=timeout)

    def balance(self, account_id: UUID, timeout: float) -> dict[str, Any] | None:
        """The ledger's balance view of one account (balance, held, available, overdraft_limit), or None."""
        items = self._ledger.items("/internal/balances", params={"account_id": str(account_id)}, timeout=timeout)
        return items[0] if items else None

    def recent_transactions(self, owner_id: UUID, limit: int, timeout: float) -> list[dict[str, Any]]:
        return self._ledger.items("/internal/transactions", params={"owner_id": str(owner_id), "limit": limit},
                                  timeout=timeout)

    def unread_notifications(self, user_id: UUID, timeout: float) -> int:
        unread = self._notifications.get_json("/internal/unread-count", params={"user_id": str(user_id)},
                                              timeout=timeout).get("unread")
        if not isinstance(unread, int) or isinstance(unread, bool):
            raise DependencyUnavailable("notifications answered without a count", dependency="notifications")
        return unread

    def transfer(self, key: str, body: dict[str, Any]) -> Answer:
        return self._ledger.call_with_key("/internal/transfers", key, body)

    def fx_quote(self, key: str, body: dict[str, Any]) -> Answer:
        return self._fx.call_with_key("/quotes", key, body)

    def fx_exchange(self, key: str, body: dict[str, Any]) -> Answer:
        return self._fx.call_with_key("/exchange", key, body)

    def utility_pay(self, key: str, body: dict[str, Any]) -> Answer:
        return self._utilities.call_with_key("/pay", key, body)

    def transaction(self, transaction_id: UUID, timeout: float) -> dict[str, Any] | None:
        """One ledger transaction with its postings, or None when the ledger has none with this id."""
        return self._ledger.find(f"/internal/transactions/{transaction_id}", timeout=timeout)

    def account_postings(self, account_id: UUID, since: str, until: str, timeout: float) -> list[dict[str, Any]]:
        return self._ledger.items(f"/internal/accounts/{account_id}/postings", params={"from": since, "to": until},
                                  timeout=timeout)


_services = Swappable[Services](HttpServices)
get_services, set_services = _services.get, _services.set
