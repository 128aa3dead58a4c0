"""HTTP routes of the utilities service (behind the JWT authorizer).

The provider directory is readable by every signed-in user. A customer pays from their own RUB account;
a service (the customer service, with its client-credentials token) pays for a customer by naming them in
`payer_id`. Payments are visible to their payer only (anyone else gets 404).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.answers import UtilityCategory, UtilityPayment
from bank_shared.app import create_app
from bank_shared.auth import (
    CustomerPrincipal,
    LiveCustomerOrServicePrincipal,
    Principal,
    UserOrServicePrincipal,
    customer_acted_for,
    customer_id,
)
from bank_shared.db import UnitOfWork
from bank_shared.errors import Forbidden
from bank_shared.idempotency import IdempotencyKey
from bank_shared.money import Amount
from bank_shared.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    InvalidCursor,
    decode_cursor,
    decode_time_id,
    page,
    time_id_page,
)
from utilities_service import service
from utilities_service.clients import accounts_directory, ledger_holds
from utilities_service.models import Provider, ProviderPage
from utilities_service.providers_api import providers_router
from utilities_service.settings import get_utilities_settings

router = APIRouter(tags=["utilities"])
Category = UtilityCategory
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


class PaymentPage(BaseModel):
    items: list[UtilityPayment]
    next_cursor: str | None


class PayRequest(BaseModel):
    provider_id: UUID
    payer_account: Annotated[str, Field(min_length=1, max_length=40, examples=["1234567890"],
                                        description="The payer's account number at the provider (лицевой счёт), "
                                                    "in the provider's format")]
    from_account_id: UUID = Field(description="The payer's own RUB account")
    amount: Amount
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])] = "RUB"
    payer_id: UUID | None = Field(default=None, description="Service callers only: the customer paying")


def _user(principal: Principal) -> UUID:
    return customer_id(principal, "Only customers make utility payments")


def _payer(principal: Principal, payer_id: UUID | None) -> UUID:
    return customer_acted_for(principal, payer_id, field="payer_id", refusal="Only customers make utility payments")


def _code_cursor(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    if not isinstance(position.get("c"), str):
        raise InvalidCursor("The cursor is not one this API issued")
    return str(position["c"])


@router.get("/providers", response_model=ProviderPage)
def list_providers(principal: UserOrServicePrincipal, category: Category | None = None, limit: Limit = DEFAULT_LIMIT,
                   cursor: str | None = None, include_inactive: bool = False) -> dict[str, Any]:
    """Utility providers (ЖКХ), optionally of one category, with cursor pagination; staff may ask for the
    inactive ones too (`include_inactive=true`)."""
    after = _code_cursor(cursor)
    if include_inactive and not principal.is_staff:
        raise Forbidden("Only staff see inactive providers")
    with UnitOfWork() as uow:
        items, last = service.list_providers(uow, category, after, limit, include_inactive)
    return page(items, limit, {"c": last} if last else None)


@router.get("/providers/{provider_id}", response_model=Provider)
def get_provider(provider_id: UUID, principal: UserOrServicePrincipal) -> dict[str, Any]:
    """One provider: its settlement account, the payer-account format it expects and its amount limits
    (an inactive one: staff only)."""
    with UnitOfWork() as uow:
        return service.get_provider(uow, provider_id, staff=principal.is_staff)


@router.post("/pay", status_code=201, response_model=UtilityPayment)
def pay(request: PayRequest, principal: LiveCustomerOrServicePrincipal, key: IdempotencyKey) -> JSONResponse:
    """Pay a utility bill from the payer's own RUB account: the ledger holds the amount, then captures it
    into the provider's settlement account. Refusals (invalid_payer_account, amount_out_of_range,
    insufficient_funds, …) are problems; a replay of the key returns the stored outcome."""
    order = service.PayOrder(_payer(principal, request.payer_id), request.provider_id, request.from_account_id,
                             request.payer_account.strip(), request.amount, request.currency)
    ttl = get_utilities_settings().utilities_hold_ttl_seconds
    return service.pay(UnitOfWork, order, key, accounts_directory(), ledger_holds(), ttl).to_response()


@router.get("/payments", response_model=PaymentPage)
def list_payments(principal: CustomerPrincipal, limit: Limit = DEFAULT_LIMIT,
                  cursor: str | None = None) -> dict[str, Any]:
    """The caller's utility payments, newest first, with cursor pagination."""
    payer, before = _user(principal), decode_time_id(cursor)
    with UnitOfWork() as uow:
        items, last = service.list_payments(uow, payer, before, limit)
    return time_id_page(items, limit, last)


@router.get("/payments/{payment_id}", response_model=UtilityPayment)
def get_payment(payment_id: UUID, principal: CustomerPrincipal) -> dict[str, Any]:
    """One of the caller's payments (anyone else's: 404)."""
    with UnitOfWork() as uow:
        return service.get_payment(uow, _user(principal), payment_id)


app = create_app("utilities", routers=[router, providers_router],
                 description="Utility providers and utility payments (ЖКХ).")
