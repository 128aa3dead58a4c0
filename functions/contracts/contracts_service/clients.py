"""The one service the account.opened consumer asks: auth (`GET /internal/users/{id}`, invoked directly), for
the customer's name the agreement names. Unit tests swap in a fake through `set_customer_names`."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Invoker, ServiceClient
from bank_shared.swappable import Swappable
from contracts_service.settings import get_contracts_settings

CALLS: tuple[str, ...] = ("auth",)


class CustomerNames(Protocol):
    def full_name(self, user_id: UUID) -> str | None: ...


class HttpCustomerNames:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("auth", retries=1, invoker=invoker)

    def full_name(self, user_id: UUID) -> str | None:
        # Asked by the account.opened consumer's look-up phase, before its transaction opens.
        response = self._client.get(f"/internal/users/{user_id}",
                                    timeout=get_contracts_settings().dependency_timeout_seconds)
        if response.status_code == 404:
            return None
        if response.status_code != 200:  # the batch is retried by the event source
            raise DependencyUnavailable(f"auth answered {response.status_code}", dependency="auth")
        return str(response.json().get("full_name") or "") or None


_names = Swappable[CustomerNames](HttpCustomerNames)
customer_names, set_customer_names = _names.get, _names.set
