"""The ledger's interest routes as seen from accounts (invoked directly as this service): closing balances to
compute on, and the idempotent accrual / capitalization postings (keys derived from the account and day/month)."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from accounts_service.settings import get_accounts_settings
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer, Invoker, ServiceClient


class InterestLedger(Protocol):
    def closing_balances(self, account_id: UUID, first: date, last: date) -> dict[date, int]: ...
    def post(self, key: str, body: dict[str, Any]) -> Answer: ...


class HttpInterestLedger:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("ledger", retries=1, invoker=invoker)
        self._timeout = get_accounts_settings().payments_timeout_seconds

    def closing_balances(self, account_id: UUID, first: date, last: date) -> dict[date, int]:
        body = self._client.get_json("/internal/closing-balances", timeout=self._timeout, params={
            "account_id": str(account_id), "first": first.isoformat(), "last": last.isoformat()})
        items = body.get("items")
        if not isinstance(items, list):
            raise DependencyUnavailable("ledger answered without balances", dependency="ledger")
        return {date.fromisoformat(item["day"]): int(item["balance_minor"]) for item in items}

    def post(self, key: str, body: dict[str, Any]) -> Answer:
        return self._client.post_with_key("/internal/interest", key, body, self._timeout)


_ledger: InterestLedger | None = None


def get_interest_ledger() -> InterestLedger:
    global _ledger
    if _ledger is None:
        _ledger = HttpInterestLedger()
    return _ledger


def set_interest_ledger(ledger: InterestLedger | None) -> None:
    """Tests swap in a fake; None restores the default."""
    global _ledger
    _ledger = ledger
