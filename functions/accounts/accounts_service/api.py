"""HTTP routes of the accounts service: parse, call one use case, shape the response."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from accounts_service import service
from bank_shared.app import create_app
from bank_shared.auth import ADMIN, CUSTOMER, EMPLOYEE, Principal, ServicePrincipal, require_roles
from bank_shared.db import UnitOfWork
from bank_shared.idempotency import require_key

router = APIRouter(tags=["accounts"])
internal = APIRouter(prefix="/internal", tags=["accounts-internal"])
User = Annotated[Principal, Depends(require_roles(CUSTOMER, EMPLOYEE, ADMIN))]
IdempotencyKey = Annotated[str, Depends(require_key)]


class OpenAccountRequest(BaseModel):
    product_code: str = Field(default="current", max_length=50)
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])
    owner_id: UUID | None = Field(default=None, description="Staff only: the customer to open the account for")


@internal.get("/accounts")
def find_accounts(
    _principal: ServicePrincipal,
    account_id: Annotated[list[UUID], Query(max_length=100)] = [],  # noqa: B006 - FastAPI copies defaults
    owner_id: UUID | None = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    number: Annotated[str | None, Query(pattern=r"^[0-9]{20}$")] = None,
    include: Annotated[list[Literal["balances", "cards"]], Query()] = [],  # noqa: B006
    card_last4: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
) -> dict[str, Any]:
    """Accounts by id, owner (and currency), number or a card's last four digits, for other services
    (service role only)."""
    with UnitOfWork() as uow:
        items = service.find_accounts(uow, account_id, owner_id, currency, number,
                                      with_balances="balances" in include, with_cards="cards" in include,
                                      card_last4=card_last4)
    return {"items": items}


@router.get("/products")
def products(_principal: User) -> dict[str, Any]:
    """Products (reference data): kinds, currencies, limits."""
    with UnitOfWork() as uow:
        return {"items": service.list_products(uow)}


@router.post("/open", status_code=201)
def open_account(request: OpenAccountRequest, principal: User, key: IdempotencyKey) -> JSONResponse:
    """Open an account (the customer for self-service products, or staff for a customer); idempotent."""
    with UnitOfWork() as uow:
        result = service.open_account(uow, principal, key, request.product_code, request.currency,
                                      request.owner_id)
    return result.to_response()


@router.get("/my")
def my_accounts(principal: User) -> dict[str, Any]:
    """The caller's accounts with balances from the ledger."""
    with UnitOfWork() as uow:
        return {"items": service.my_accounts(uow, principal)}


@router.post("/cards/{card_id}/block")
def block_card(card_id: UUID, principal: User) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return service.set_card_status(uow, principal, card_id, "blocked")


@router.post("/cards/{card_id}/unblock")
def unblock_card(card_id: UUID, principal: User) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return service.set_card_status(uow, principal, card_id, "active")


@router.get("/{account_id}")
def get_account(account_id: UUID, principal: User) -> dict[str, Any]:
    """One account (its owner, employees and admins; anyone else gets 404)."""
    with UnitOfWork() as uow:
        return service.get_account(uow, principal, account_id)


@router.post("/{account_id}/close")
def close_account(account_id: UUID, principal: User) -> dict[str, Any]:
    """Close an account with a zero balance and no holds (idempotent)."""
    with UnitOfWork() as uow:
        return service.close_account(uow, principal, account_id)


@router.post("/{account_id}/cards", status_code=201)
def issue_card(account_id: UUID, principal: User, key: IdempotencyKey) -> JSONResponse:
    """Issue a card on the account; the PAN is never stored or returned in full."""
    return service.issue_card(principal, key, account_id).to_response()


@router.get("/{account_id}/cards")
def list_cards(account_id: UUID, principal: User) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return {"items": service.list_cards(uow, principal, account_id)}


app = create_app("accounts", routers=[internal, router], description="Accounts and cards, linked to products.")
