"""Admin routes of the provider directory: create (idempotent, opens the settlement account), edit, deactivate
and reactivate (PATCH `active`). Every change carries a reason and is audited (`utility.provider_changed`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.answers import UtilityCategory
from bank_shared.auth import AdminPrincipal
from bank_shared.db import UnitOfWork
from bank_shared.idempotency import IdempotencyKey
from bank_shared.money import Amount
from utilities_service import providers
from utilities_service.clients import ledger_accounts
from utilities_service.models import Provider

providers_router = APIRouter(tags=["utilities"])
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]
Inn = Annotated[str, Field(pattern=r"^[0-9]{10}$", description="The provider's 10-digit ИНН")]
Reason = Annotated[str, Field(min_length=3, max_length=500, pattern=r"\S",
                              description="Why (kept in the provider's audit trail)")]


class PayerAccountRequest(BaseModel):
    label: str = Field(min_length=1, max_length=100, examples=["Лицевой счёт"])
    pattern: str = Field(min_length=1, max_length=200, examples=["^[0-9]{10}$"],
                         description="Regular expression the whole payer code must match")
    hint: str = Field(min_length=1, max_length=200, examples=["10 цифр, например 1234567890"])


class NewProviderRequest(BaseModel):
    code: str = Field(pattern=r"^[a-z0-9_]{2,40}$", examples=["teplo_plus"])
    name: Name
    category: UtilityCategory
    inn: Inn
    currency: Literal["RUB"] = "RUB"
    payer_account: PayerAccountRequest
    min_amount: Amount
    max_amount: Amount
    reason: Reason | None = None


class ProviderChangeRequest(BaseModel):
    name: Name | None = None
    category: UtilityCategory | None = None
    inn: Inn | None = None
    payer_account: PayerAccountRequest | None = None
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    active: bool | None = Field(default=None, description="false deactivates (no new payments), true reactivates")
    reason: Reason


@providers_router.post("/providers", status_code=201, response_model=Provider)
def create_provider(request: NewProviderRequest, principal: AdminPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Add a provider (admin): its ledger settlement account is opened first, then the provider is stored;
    a replay of the key returns the stored answer. A taken code: 409 provider_code_taken."""
    values = request.model_dump(mode="json", exclude={"reason"})
    actor = providers.Actor(principal.actor, request.reason)
    return providers.create_provider(UnitOfWork, ledger_accounts(), actor, key, values).to_response()


@providers_router.patch("/providers/{provider_id}", response_model=Provider)
def change_provider(provider_id: UUID, request: ProviderChangeRequest, principal: AdminPrincipal) -> dict[str, Any]:
    """Edit a provider, or deactivate / reactivate it with `active` (admin); the fields not sent stay as
    they are. Payments already made stay in the history."""
    values = request.model_dump(mode="json", exclude={"reason"}, exclude_none=True)
    with UnitOfWork() as uow:
        return providers.update_provider(uow, providers.Actor(principal.actor, request.reason), provider_id, values)
