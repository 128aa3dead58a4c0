"""Auth's internal routes for the back office's customer lifecycle: create a customer, block and unblock them, read
and record their KYC data. Office has checked the employee, records who did it and why; auth applies the change.

Registered on auth's `/internal` router by `add_customer_lifecycle_routes` (auth_service.api), with auth's
`Profile` as the answer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, EmailStr, Field

from auth_service import administration, kyc, lifecycle
from bank_shared.auth import ServicePrincipal
from bank_shared.db import UnitOfWork
from bank_shared.kyc import KycAnswer, KycRequest, KycView
from bank_shared.one_time_links import link_key
from bank_shared.phones import Phone


class NewCustomerRequest(BaseModel):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None


def add_customer_lifecycle_routes(internal: APIRouter, profile: type[BaseModel]) -> None:
    @internal.post("/customers", status_code=201, response_model=profile)
    def create_customer(request: NewCustomerRequest, _service: ServicePrincipal) -> Any:
        """An active customer created by an employee (office); the password-set link goes out as the reset mail."""
        links = link_key()  # a Secrets Manager read: before the transaction, never inside it
        with UnitOfWork() as uow:
            return profile.model_validate(administration.create_customer(uow, links, str(request.email),
                                                                         request.full_name, request.phone))

    @internal.post("/customers/{user_id}/block", response_model=profile)
    def block_customer(user_id: UUID, _service: ServicePrincipal) -> Any:
        """Block a customer for office (who records the employee and the reason): sign-in refused, every session
        revoked now."""
        with UnitOfWork() as uow:
            return profile.model_validate(lifecycle.set_customer_blocked(uow, user_id, True))


    @internal.post("/customers/{user_id}/unblock", response_model=profile)
    def unblock_customer(user_id: UUID, _service: ServicePrincipal) -> Any:
        """Unblock a customer for office: they can sign in again."""
        with UnitOfWork() as uow:
            return profile.model_validate(lifecycle.set_customer_blocked(uow, user_id, False))


    @internal.get("/customers/{user_id}/kyc", response_model=KycAnswer)
    def customer_kyc(user_id: UUID, _service: ServicePrincipal) -> KycAnswer:
        """A customer's KYC data for office, the document number masked (null when none was recorded)."""
        with UnitOfWork() as uow:
            found = kyc.get_kyc(uow, user_id)
        return KycAnswer(kyc=KycView.model_validate(found) if found else None)


    @internal.put("/customers/{user_id}/kyc", response_model=KycAnswer)
    def save_customer_kyc(user_id: UUID, request: KycRequest, _service: ServicePrincipal) -> KycAnswer:
        """Record or replace a customer's KYC data (office audits who did it); the document number is sealed."""
        saved = kyc.save_kyc(user_id, kyc.Kyc(request.legal_name.strip(), request.date_of_birth, request.document_type,
                                              request.document_number.get_secret_value().strip(),
                                              request.address.strip()))
        return KycAnswer(kyc=KycView.model_validate(saved))
