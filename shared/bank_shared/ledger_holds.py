"""The ledger's hold calls, as every service that holds money makes them: card spending (accounts) and ЖКХ
payments (utilities) hold an amount on the paying account (`POST /internal/holds`), then capture it to where it
goes (`/internal/holds/{id}/capture`) or void it (`/internal/holds/{id}/void`), each step under its own
Idempotency-Key, so a retried step is the ledger's replay, never a second hold or capture. The answers are the
ledger's (`Answer`: its refusals reach the caller unchanged); outages raise DependencyUnavailable.

A service's ledger client extends `HttpHoldCalls` with its own `ServiceClient("ledger", ...)` (its retries and
timeout; `bank_shared.tools.calls` reads the callee there) and its own further calls; its `Protocol` extends
`HoldCalls` (docs/service-to-service.md)."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from bank_shared.http import Answer, ServiceClient


class HoldCalls(Protocol):
    def hold(self, key: str, body: dict[str, Any]) -> Answer: ...
    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer: ...
    def void(self, key: str, hold_id: UUID) -> Answer: ...


class HttpHoldCalls:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    def hold(self, key: str, body: dict[str, Any]) -> Answer:
        return self._client.call_with_key("/internal/holds", key, body)

    def capture(self, key: str, hold_id: UUID, body: dict[str, Any]) -> Answer:
        return self._client.call_with_key(f"/internal/holds/{hold_id}/capture", key, body)

    def void(self, key: str, hold_id: UUID) -> Answer:
        return self._client.call_with_key(f"/internal/holds/{hold_id}/void", key)
