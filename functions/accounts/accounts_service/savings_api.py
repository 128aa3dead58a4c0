"""HTTP routes of savings interest: the rates (everyone reads, admins set from a future date) and a customer's
interest on their own savings account."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from accounts_service import savings
from accounts_service.standing_orders_api import owner_of
from bank_shared.auth import (
    AdminPrincipal,
    CustomerPrincipal,
    UserPrincipal,
)
from bank_shared.db import UnitOfWork
from bank_shared.product_answers import MoneyOut

router = APIRouter(prefix="/savings", tags=["savings"])


class RateRequest(BaseModel):
    product_code: str = Field(max_length=50, examples=["savings"])
    annual_rate: Annotated[str, Field(pattern=r"^0(\.[0-9]{1,6})?$", examples=["0.055"],
                                      description="Yearly rate as a fraction (0.055 = 5.5 %), at most 6 decimals")]
    effective_from: date = Field(description="From this UTC date on (tomorrow at the earliest)")
    reason: str | None = Field(default=None, min_length=3, max_length=500,
                               description="Why (kept with the rate; the back office asks for it)")


class RateOut(BaseModel):
    product_code: str
    effective_from: date
    annual_rate: str
    set_by: str
    reason: str | None = None


class RateList(BaseModel):
    items: list[RateOut]


class Capitalized(BaseModel):
    month: str = Field(examples=["2026-11"])
    amount: MoneyOut


class InterestOut(BaseModel):
    account_id: UUID
    annual_rate: str = Field(description="The rate in effect today")
    accrued_this_month: MoneyOut = Field(description="Accrued since the month began, paid in at its end")
    capitalized: list[Capitalized] = Field(description="The last twelve months' interest paid into the account")


def _today() -> date:
    return datetime.now(UTC).date()


@router.get("/rates", response_model=RateList)
def rates(_principal: UserPrincipal) -> dict[str, Any]:
    """Every savings rate with the date it takes effect."""
    with UnitOfWork() as uow:
        return {"items": savings.list_rates(uow)}


@router.post("/rates", status_code=201, response_model=RateOut)
def set_rate(request: RateRequest, principal: AdminPrincipal) -> dict[str, Any]:
    """Set a savings product's yearly rate from a future date (admin); the same date again replaces it."""
    with UnitOfWork() as uow:
        return savings.set_rate(uow, principal.actor, request.product_code, Decimal(request.annual_rate),
                                request.effective_from, _today(), request.reason)


@router.get("/{account_id}/interest", response_model=InterestOut)
def interest(account_id: UUID, principal: CustomerPrincipal) -> dict[str, Any]:
    """The caller's savings account: today's rate, this month's accrued interest, past capitalizations."""
    with UnitOfWork() as uow:
        return savings.interest_summary(uow, owner_of(principal), account_id, _today())
