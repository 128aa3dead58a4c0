"""Back-office routes for a customer's products (docs/back-office.md): their standing orders with the latest runs,
their payment templates (read-only), and cancelling an order for them with a reason (audited as
`standing_order.cancel`). Accounts' answers are handed back unchanged."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.http import relay
from bank_shared.product_answers import StandingOrderList, StandingOrderOut, TemplateList
from office_service.dependencies import Staff, office
from office_service.products import ProductsClient, cancel_standing_order
from office_service.service import Actor

router = APIRouter(tags=["office-products"])


class CancelOrderRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the audit log)")


def _client() -> ProductsClient:
    return ProductsClient()


Client = Annotated[ProductsClient, Depends(_client)]


@router.get("/customers/{customer_id}/standing-orders", response_model=StandingOrderList)
def customer_standing_orders(customer_id: UUID, principal: Staff, client: Client) -> JSONResponse:
    """The customer's standing orders with their next date, status and latest runs."""
    return relay(client.standing_orders(principal.subject, customer_id))


@router.get("/customers/{customer_id}/templates", response_model=TemplateList)
def customer_templates(customer_id: UUID, principal: Staff, client: Client) -> JSONResponse:
    """The customer's payment templates (read-only)."""
    return relay(client.templates(principal.subject, customer_id))


@router.post("/standing-orders/{order_id}/cancel", response_model=StandingOrderOut)
def cancel_customer_standing_order(order_id: UUID, body: CancelOrderRequest, principal: Staff,
                                   client: Client) -> JSONResponse:
    """Stop a customer's standing order for them (idempotent); the reason is audited."""
    return relay(cancel_standing_order(office(), client, Actor.of(principal), order_id, body.reason))
