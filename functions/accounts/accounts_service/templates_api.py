"""HTTP routes of payment templates: the customer's own only (others' are 404)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, model_validator

from accounts_service import payment_templates
from accounts_service.standing_orders_api import Name, PayerAccount, owner_of
from bank_shared.auth import CustomerPrincipal
from bank_shared.db import UnitOfWork
from bank_shared.money import Amount, CurrencyCode, to_minor
from bank_shared.product_answers import TemplateKind, TemplateList, TemplateOut

router = APIRouter(prefix="/templates", tags=["templates"])
Kind = TemplateKind


class TemplateRequest(BaseModel):
    name: Name
    kind: Kind = Field(description="transfer: to an account number; p2p_phone: to a customer's phone; "
                                   "utility: a ЖКХ bill")
    from_account_id: UUID | None = None
    to_account_number: Annotated[str | None, Field(pattern=r"^[0-9]{20}$")] = None
    to_phone: Annotated[str | None, Field(pattern=r"^\+?[0-9][0-9 ()-]{5,18}[0-9]$")] = None
    provider_id: UUID | None = None
    payer_account: PayerAccount | None = None
    amount: Amount | None = Field(default=None, description="Optional: the form asks when absent")
    currency: CurrencyCode = "RUB"
    description: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _recipient_of_kind(self) -> TemplateRequest:
        given = {"transfer": self.to_account_number is not None, "p2p_phone": self.to_phone is not None,
                 "utility": self.provider_id is not None and self.payer_account is not None}
        if not given[self.kind] or sum(given.values()) != 1:
            raise ValueError("give the recipient of this kind, and only that one")
        if self.kind == "utility" and self.currency != "RUB":
            raise ValueError("a utility payment is in RUB")
        return self


class RenameRequest(BaseModel):
    name: Name


@router.post("", status_code=201, response_model=TemplateOut)
def create_template(request: TemplateRequest, principal: CustomerPrincipal) -> dict[str, Any]:
    """Save a payment under a name (unique per customer: 409 `template_name_taken`)."""
    draft = payment_templates.TemplateDraft(
        owner_id=owner_of(principal), name=request.name.strip(), kind=request.kind, currency=request.currency,
        from_account_id=request.from_account_id, to_account_number=request.to_account_number,
        to_phone=request.to_phone, provider_id=request.provider_id,
        payer_account=request.payer_account.strip() if request.payer_account else None,
        amount=to_minor(request.amount, request.currency) if request.amount else None,
        description=request.description)
    with UnitOfWork() as uow:
        return payment_templates.create(uow, draft)


@router.get("", response_model=TemplateList)
def list_templates(principal: CustomerPrincipal) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return {"items": payment_templates.list_templates(uow, owner_of(principal))}


@router.get("/{template_id}", response_model=TemplateOut)
def get_template(template_id: UUID, principal: CustomerPrincipal) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return payment_templates.get_template(uow, owner_of(principal), template_id)


@router.patch("/{template_id}", response_model=TemplateOut)
def rename_template(template_id: UUID, request: RenameRequest, principal: CustomerPrincipal) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return payment_templates.rename(uow, owner_of(principal), template_id, request.name.strip())


@router.delete("/{template_id}", status_code=204, response_class=Response)
def delete_template(template_id: UUID, principal: CustomerPrincipal) -> Response:
    with UnitOfWork() as uow:
        payment_templates.delete(uow, owner_of(principal), template_id)
    return Response(status_code=204)
