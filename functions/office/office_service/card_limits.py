"""Staff set a customer's card limits and read its purchases (docs/cards.md): office calls accounts' card routes
with its own identity naming the employee (X-Acting-Employee), and records the change in the audit log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from bank_shared.http import Answer
from office_service.clients import AccountsForStaff
from office_service.service import Actor, Office


class CardLimitsClient(AccountsForStaff):
    """accounts `GET`/`PUT /cards/{id}/limits` and `GET /cards/{id}/purchases`, for an employee."""

    def limits(self, employee: str, card_id: UUID) -> Answer:
        return self._call("GET", employee, f"/cards/{card_id}/limits")

    def set_limits(self, employee: str, card_id: UUID, body: dict[str, Any]) -> Answer:
        return self._call("PUT", employee, f"/cards/{card_id}/limits", body)

    def purchases(self, employee: str, card_id: UUID, limit: int) -> Answer:
        return self._call("GET", employee, f"/cards/{card_id}/purchases", params=[("limit", str(limit))])


def set_card_limits(office: Office, client: CardLimitsClient, actor: Actor, card_id: UUID,
                    body: dict[str, Any], reason: str | None = None) -> Answer:
    """Replace the card's limits, audited as `card.limits` with the new values (and the reason, when given)."""
    details = {**body, "reason": reason} if reason else body
    return office._perform(actor, "card.limits", "card", str(card_id),
                           lambda: client.set_limits(actor.id, card_id, body), details=details)
