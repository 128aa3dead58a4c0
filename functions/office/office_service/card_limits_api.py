"""Back-office routes for a card's spending limits and purchases (docs/cards.md); the answers are accounts' own,
handed back unchanged. Setting limits is audited (`card.limits`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from bank_shared.answers import CardLimits, CardLimitsRequest, Purchases
from bank_shared.http import relay
from office_service.card_limits import CardLimitsClient, set_card_limits
from office_service.dependencies import Staff, office
from office_service.service import Actor

router = APIRouter(tags=["office-cards"])


class StaffCardLimitsRequest(CardLimitsRequest):
    reason: str | None = Field(default=None, min_length=3, max_length=500,
                               description="Why (kept in the audit log with the new limits)")


def _client() -> CardLimitsClient:
    return CardLimitsClient()


Client = Annotated[CardLimitsClient, Depends(_client)]


@router.get("/cards/{card_id}/limits", response_model=CardLimits)
def card_limits(card_id: UUID, principal: Staff, client: Client) -> JSONResponse:
    """A card's spending limits."""
    return relay(client.limits(principal.subject, card_id))


@router.put("/cards/{card_id}/limits", response_model=CardLimits)
def set_limits(card_id: UUID, body: StaffCardLimitsRequest, principal: Staff, client: Client) -> JSONResponse:
    """Replace a card's limits for the customer (per purchase, daily, monthly; online and cash on or off); the
    reason, when given, is audited with them."""
    return relay(set_card_limits(office(), client, Actor.of(principal), card_id, body.model_dump(exclude={"reason"}),
                                 body.reason))


@router.get("/cards/{card_id}/purchases", response_model=Purchases)
def card_purchases(card_id: UUID, principal: Staff, client: Client,
                   limit: Annotated[int, Query(ge=1, le=100)] = 50) -> JSONResponse:
    """A card's purchases, newest first, with merchant, category, status and decline reason."""
    return relay(client.purchases(principal.subject, card_id, limit))
