"""The ledger's interest routes as seen from accounts (invoked directly as this service): closing balances to
compute on, and the idempotent accrual / capitalization postings (keys derived from the account and day/month)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from accounts_service.settings import payments_timeout
from bank_shared.http import Answer, Invoker, ServiceClient
from bank_shared.swappable import Swappable


class InterestLedger(Protocol):
    def closing_balances(self, account_id: UUID, first: date, last: date) -> dict[date, int]: ...
    def post(self, key: str, body: dict[str, Any]) -> Answer: ...


class HttpInterestLedger:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("ledger", retries=1, timeout=payments_timeout, invoker=invoker)

    def closing_balances(self, account_id: UUID, first: date, last: date) -> dict[date, int]:
        items = self._client.items("/internal/closing-balances", params={
            "account_id": str(account_id), "first": first.isoformat(), "last": last.isoformat()})
        return {date.fromisoformat(item["day"]): int(item["balance_minor"]) for item in items}

    def post(self, key: str, body: dict[str, Any]) -> Answer:
        return self._client.call_with_key("/internal/interest", key, body)


# Tests swap in a fake; None restores the default.
_ledger = Swappable[InterestLedger](HttpInterestLedger)
get_interest_ledger, set_interest_ledger = _ledger.get, _ledger.set
