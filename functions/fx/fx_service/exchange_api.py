"""HTTP routes of quotes and exchange (behind the JWT authorizer).

A customer quotes and exchanges between their own accounts. A service (the customer service, with its
client-credentials token) acts for a customer by naming them in `owner_id`; ownership of both accounts is
checked with accounts either way.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.answers import Exchanged, Quote
from bank_shared.auth import (
    LiveCustomerOrServicePrincipal,
    Principal,
    customer_acted_for,
)
from bank_shared.db import UnitOfWork
from bank_shared.idempotency import IdempotencyKey, optional_key
from bank_shared.money import Amount
from fx_service import exchange
from fx_service.clients import accounts_directory, ledger_exchanges
from fx_service.dependencies import quote_pricing

router = APIRouter(tags=["fx-exchange"])
OptionalKey = Annotated[str | None, Depends(optional_key)]
Pricing = Annotated[exchange.Pricing, Depends(quote_pricing)]
OwnerId = Annotated[UUID | None, Field(description="Service callers only: the customer acted for")]


class QuoteRequest(BaseModel):
    from_account_id: UUID = Field(description="Sells from this account, in its currency")
    to_account_id: UUID = Field(description="Buys into this account, in its currency")
    amount: Amount
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["USD"],
                                   description="Either account's currency: the amount fixed on that side")]
    owner_id: OwnerId = None


class ExchangeRequest(BaseModel):
    quote_id: UUID
    owner_id: OwnerId = None


def _owner(principal: Principal, owner_id: UUID | None) -> UUID:
    return customer_acted_for(principal, owner_id, field="owner_id", refusal="Only customers exchange currency")


@router.post("/quotes", status_code=201, response_model=Quote)
def create_quote(body: QuoteRequest, principal: LiveCustomerOrServicePrincipal, pricing: Pricing,
                 key: OptionalKey) -> JSONResponse:
    """Price an exchange between two of the customer's accounts; valid for a short time (expires_at).
    An optional Idempotency-Key makes a retry return the same quote."""
    owner = _owner(principal, body.owner_id)
    order = exchange.QuoteRequest(owner, body.from_account_id, body.to_account_id, body.amount, body.currency)
    return exchange.create_quote(UnitOfWork, order, accounts_directory(), pricing, key).to_response()


@router.get("/quotes/{quote_id}", response_model=Quote)
def get_quote(quote_id: UUID, principal: LiveCustomerOrServicePrincipal,
              owner_id: UUID | None = None) -> dict[str, Any]:
    """One of the customer's quotes and its status."""
    with UnitOfWork() as uow:
        return exchange.get_quote(uow, _owner(principal, owner_id), quote_id)


@router.post("/exchange", status_code=201, response_model=Exchanged)
def execute_exchange(body: ExchangeRequest, principal: LiveCustomerOrServicePrincipal,
                     key: IdempotencyKey) -> JSONResponse:
    """Execute a quote: one ledger transaction through the bank's FX position accounts. An expired or
    used quote is refused (quote_expired, quote_already_used); the ledger's refusals pass through."""
    owner = _owner(principal, body.owner_id)
    return exchange.execute(UnitOfWork, owner, body.quote_id, key, ledger_exchanges()).to_response()
