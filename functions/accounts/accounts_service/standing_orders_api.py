"""HTTP routes of standing orders (autopay): the customer's own orders only (others' are 404)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from accounts_service import standing_orders
from bank_shared.auth import LiveCustomerPrincipal, Principal, customer_id
from bank_shared.db import UnitOfWork
from bank_shared.idempotency import IdempotencyKey
from bank_shared.money import Amount, CurrencyCode, to_minor
from bank_shared.product_answers import StandingOrderList, StandingOrderOut

router = APIRouter(prefix="/standing-orders", tags=["standing-orders"])
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
PayerAccount = Annotated[str, Field(min_length=1, max_length=40, pattern=r"\S",
                                    description="The payer's account number at the provider (лицевой счёт)")]
# Dates far enough for any real order, near enough that every occurrence date exists (year <= 9999).
LATEST_START, LATEST_END = date(2100, 12, 31), date(2300, 12, 31)


class StandingOrderRequest(BaseModel):
    name: Name
    from_account_id: UUID
    to_account_number: Annotated[str | None, Field(pattern=r"^[0-9]{20}$")] = None
    provider_id: UUID | None = Field(default=None, description="A ЖКХ provider (instead of an account number)")
    payer_account: PayerAccount | None = None
    amount: Amount
    currency: CurrencyCode
    description: Annotated[str, Field(max_length=200)] = ""
    frequency: Literal["once", "weekly", "monthly"]
    start_date: date = Field(description="The first (or only) date; today or later (UTC)")
    day_of_month: Annotated[int | None, Field(ge=1, le=31, description="Monthly only; default: the start date's "
                                                                       "day. Short months: their last day")] = None
    end_date: date | None = None
    max_count: Annotated[int | None, Field(ge=1, le=1200)] = None
    on_insufficient: Literal["skip", "retry"] = Field(default="skip", description="When the money is short: "
                                                      "skip the occurrence, or retry daily for a few days")

    @model_validator(mode="after")
    def _one_recipient(self) -> StandingOrderRequest:
        if (self.to_account_number is None) == (self.provider_id is None):
            raise ValueError("give exactly one of to_account_number or provider_id")
        if self.provider_id is not None and self.payer_account is None:
            raise ValueError("a utility payment needs payer_account")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if self.start_date > LATEST_START or (self.end_date is not None and self.end_date > LATEST_END):
            raise ValueError(f"start_date is at most {LATEST_START}, end_date at most {LATEST_END}")
        return self


def owner_of(principal: Principal) -> UUID:
    return customer_id(principal, "Only customers have standing orders and templates")


@router.post("", status_code=201, response_model=StandingOrderOut)
def create_order(request: StandingOrderRequest, principal: LiveCustomerPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Schedule a transfer (to an account number) or a ЖКХ payment: once, weekly or monthly."""
    draft = standing_orders.OrderDraft(
        owner_id=owner_of(principal), name=request.name.strip(), from_account_id=request.from_account_id,
        amount=to_minor(request.amount, request.currency), currency=request.currency,
        frequency=request.frequency, start_date=request.start_date, on_insufficient=request.on_insufficient,
        to_account_number=request.to_account_number, provider_id=request.provider_id,
        payer_account=request.payer_account.strip() if request.payer_account else None,
        description=request.description, day_of_month=request.day_of_month, end_date=request.end_date,
        max_count=request.max_count)
    with UnitOfWork() as uow:
        result = standing_orders.create(uow, draft, datetime.now(UTC).date(), key)
    return result.to_response()


@router.get("", response_model=StandingOrderList)
def list_orders(principal: LiveCustomerPrincipal) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return {"items": standing_orders.list_orders(uow, owner_of(principal))}


@router.get("/{order_id}", response_model=StandingOrderOut)
def get_order(order_id: UUID, principal: LiveCustomerPrincipal) -> dict[str, Any]:
    """One order with its latest occurrences."""
    with UnitOfWork() as uow:
        return standing_orders.get_order(uow, owner_of(principal), order_id)


@router.post("/{order_id}/cancel", response_model=StandingOrderOut)
def cancel_order(order_id: UUID, principal: LiveCustomerPrincipal) -> dict[str, Any]:
    """Stop the order (idempotent): no further occurrence is created."""
    with UnitOfWork() as uow:
        return standing_orders.cancel(uow, owner_of(principal), order_id)
