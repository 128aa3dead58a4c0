"""The ledger as seen from accounts: its internal routes, invoked directly as this service.

Accounts registers each new account in the ledger synchronously (idempotent by account id) *before* its
own transaction commits, so no client can ever see an account that the ledger does not know yet: a top-up
right after opening cannot race the registration.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from accounts_service.settings import ledger_timeout
from bank_shared.errors import AccountNotEmpty, AppError
from bank_shared.http import Invoker, Refusals, ServiceClient
from bank_shared.money import from_minor
from bank_shared.swappable import Swappable

# fx: card purchases in foreign currencies (card_clients.py); utilities: standing orders pay ЖКХ bills through it
# (payments_client.py).
CALLS: tuple[str, ...] = ("ledger", "fx", "utilities")
# The ledger's one refusal accounts passes on as its own: closing an account that holds money.
REFUSALS: Refusals = {409: AccountNotEmpty}


class Ledger(Protocol):
    def register(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> None: ...
    def balances(self, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]: ...
    def close(self, account_id: UUID) -> None: ...


class HttpLedger:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("ledger", retries=1, timeout=ledger_timeout, invoker=invoker)

    def register(self, account_id: UUID, owner_id: UUID, currency: str, overdraft_limit: int) -> None:
        # A POST without an Idempotency-Key is not retried by ServiceClient; this one is idempotent by
        # account id, so it says so with a key and may be retried.
        self._client.lookup(
            "POST", "/internal/accounts", headers={"Idempotency-Key": f"register-{account_id}"}, refusals=REFUSALS,
            json={"account_id": str(account_id), "owner_id": str(owner_id), "currency": currency,
                  "overdraft_limit": from_minor(overdraft_limit, currency)})

    def balances(self, account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        if not account_ids:
            return {}
        body = self._client.lookup("GET", "/internal/balances", refusals=REFUSALS,
                                   params=[("account_id", str(a)) for a in account_ids])
        return {UUID(item["account_id"]): item for item in body["items"]}

    def close(self, account_id: UUID) -> None:
        self._client.lookup("POST", f"/internal/accounts/{account_id}/close", refusals=REFUSALS,
                            headers={"Idempotency-Key": f"close-{account_id}"})


_ledger = Swappable[Ledger](HttpLedger)
# Tests swap the ledger client (a fake, or one invoking the local stack's ledger).
get_ledger, set_ledger = _ledger.get, _ledger.set


__all__ = ["AccountNotEmpty", "AppError", "HttpLedger", "Ledger", "get_ledger", "set_ledger"]
