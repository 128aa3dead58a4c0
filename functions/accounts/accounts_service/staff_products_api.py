"""HTTP routes of staff on a customer's products: employees and admins (in practice the back office acting for
one, `X-Acting-Employee`). A customer's lists are empty for an unknown customer; an unknown order is 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from accounts_service import staff_products
from bank_shared.auth import StaffPrincipal
from bank_shared.db import UnitOfWork
from bank_shared.product_answers import StandingOrderList, StandingOrderOut, TemplateList

router = APIRouter(prefix="/staff", tags=["staff-products"])


@router.get("/customers/{customer_id}/standing-orders", response_model=StandingOrderList)
def staff_customer_orders(customer_id: UUID, _principal: StaffPrincipal) -> dict[str, Any]:
    """A customer's standing orders, each with its latest runs (staff)."""
    with UnitOfWork() as uow:
        return {"items": staff_products.customer_orders(uow, customer_id)}


@router.get("/customers/{customer_id}/templates", response_model=TemplateList)
def staff_customer_templates(customer_id: UUID, _principal: StaffPrincipal) -> dict[str, Any]:
    """A customer's payment templates, read-only (staff)."""
    with UnitOfWork() as uow:
        return {"items": staff_products.customer_templates(uow, customer_id)}


@router.post("/standing-orders/{order_id}/cancel", response_model=StandingOrderOut)
def staff_cancel_order(order_id: UUID, _principal: StaffPrincipal) -> dict[str, Any]:
    """Stop a customer's standing order for them (idempotent; staff)."""
    with UnitOfWork() as uow:
        return staff_products.cancel_order(uow, order_id)
