"""The one service the account.opened consumer asks: auth (`GET /internal/users/{id}`, invoked directly), for
the customer's name the agreement names. Unit tests swap in a fake through `set_customer_names`."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from bank_shared.http import Invoker, ServiceClient
from bank_shared.swappable import Swappable
from contracts_service.settings import get_contracts_settings

CALLS: tuple[str, ...] = ("auth",)


class CustomerNames(Protocol):
    def full_name(self, user_id: UUID) -> str | None: ...


def _timeout() -> float:
    return get_contracts_settings().dependency_timeout_seconds


class HttpCustomerNames:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("auth", retries=1, timeout=_timeout, invoker=invoker)

    def full_name(self, user_id: UUID) -> str | None:
        # Asked by the account.opened consumer's look-up phase, before its transaction opens; an outage raises
        # and the batch is retried by the event source.
        user = self._client.find(f"/internal/users/{user_id}")
        if user is None:
            return None
        return str(user.get("full_name") or "") or None


_names = Swappable[CustomerNames](HttpCustomerNames)
customer_names, set_customer_names = _names.get, _names.set
