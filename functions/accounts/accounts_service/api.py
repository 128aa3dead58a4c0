"""HTTP routes of the accounts service: parse, call one use case, shape the response."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from accounts_service import (
    card_topups_api,
    savings_api,
    service,
    staff_products_api,
    standing_orders_api,
    templates_api,
)
from accounts_service.card_api import network as card_network_routes
from accounts_service.card_api import router as card_routes
from accounts_service.models import AccountList, CardList, ProductList
from bank_shared.answers import Account, Card
from bank_shared.app import create_app
from bank_shared.auth import ServicePrincipal, UserPrincipal
from bank_shared.db import UnitOfWork
from bank_shared.idempotency import IdempotencyKey

router = APIRouter(tags=["accounts"])
internal = APIRouter(prefix="/internal", tags=["accounts-internal"])


class OpenAccountRequest(BaseModel):
    product_code: str = Field(default="current", max_length=50)
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])
    owner_id: UUID | None = Field(default=None, description="Staff only: the customer to open the account for")


@internal.get("/accounts", response_model=AccountList, response_model_exclude_unset=True)
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
    items = service.find_accounts(account_id, owner_id, currency, number,
                                  with_balances="balances" in include, with_cards="cards" in include,
                                  card_last4=card_last4)
    return {"items": items}


@router.get("/products", response_model=ProductList)
def products(_principal: UserPrincipal) -> dict[str, Any]:
    """Products (reference data): kinds, currencies, limits."""
    with UnitOfWork() as uow:
        return {"items": service.list_products(uow)}


@router.post("/open", status_code=201, response_model=Account)
def open_account(request: OpenAccountRequest, principal: UserPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Open an account (the customer for self-service products, or staff for a customer); idempotent."""
    result = service.open_account(principal, key, request.product_code, request.currency, request.owner_id)
    return result.to_response()


@router.get("/my", response_model=AccountList)
def my_accounts(principal: UserPrincipal) -> dict[str, Any]:
    """The caller's accounts with balances from the ledger."""
    return {"items": service.my_accounts(principal)}


class BlockCardRequest(BaseModel):
    reason: Literal["lost", "stolen", "suspicious", "other"] = Field(
        description="lost or stolen: the owner cannot unblock the card again (staff can, in the back office)")


@router.post("/cards/{card_id}/block", response_model=Card)
def block_card(card_id: UUID, principal: UserPrincipal, request: BlockCardRequest | None = None) -> dict[str, Any]:
    """Block a card, with the reason (the SPA always asks; a call without a body stores none)."""
    with UnitOfWork() as uow:
        return service.set_card_status(uow, principal, card_id, "blocked", request.reason if request else None)


@router.post("/cards/{card_id}/unblock", response_model=Card)
def unblock_card(card_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """Unblock a card; one its owner reported lost or stolen is 409 `card_block_final` for the owner."""
    with UnitOfWork() as uow:
        return service.set_card_status(uow, principal, card_id, "active")


@router.get("/{account_id}", response_model=Account)
def get_account(account_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """One account (its owner, employees and admins; anyone else gets 404)."""
    return service.get_account(principal, account_id)


@router.post("/{account_id}/close", response_model=Account)
def close_account(account_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """Close an account with a zero balance and no holds (idempotent)."""
    return service.close_account(principal, account_id)


@router.post("/{account_id}/cards", status_code=201, response_model=Card)
def issue_card(account_id: UUID, principal: UserPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Issue a card on the account; the PAN is never stored or returned in full."""
    return service.issue_card(principal, key, account_id).to_response()


@router.get("/{account_id}/cards", response_model=CardList)
def list_cards(account_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return {"items": service.list_cards(uow, principal, account_id)}


# Standing orders, templates, savings and card routes before `router`, whose `/{account_id}` would take their paths.
app = create_app("accounts", routers=[internal, card_network_routes, card_routes, standing_orders_api.router,
                                       templates_api.router, savings_api.router, staff_products_api.router,
                                       card_topups_api.acquiring, card_topups_api.router, router],
                 description="Accounts and cards, linked to products.")
