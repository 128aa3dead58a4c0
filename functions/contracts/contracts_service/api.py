"""HTTP routes of the contracts service: parse, call one use case, shape the response."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.app import create_app
from bank_shared.auth import (
    AdminPrincipal,
    StaffPrincipal,
    UserPrincipal,
)
from bank_shared.db import UnitOfWork
from bank_shared.events.topics import ACCOUNT_OPENED
from bank_shared.idempotency import IdempotencyKey
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from contracts_service import service
from contracts_service.models import (
    Contract,
    ContractDetail,
    ContractDocument,
    ContractPage,
    TemplateDetail,
    TemplateList,
    TemplateVersion,
)

router = APIRouter(tags=["contracts"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Status = Literal["draft", "signed", "active", "terminated"]


class VersionRequest(BaseModel):
    title: str = Field(min_length=1, max_length=300, examples=["Договор банковского счёта"])
    body: str = Field(min_length=1, max_length=100_000,
                      description="Text with {{placeholder}} names (a-z, 0-9, _); contract_number, "
                                  "contract_date and customer_id are filled in automatically")
    effective_from: date = Field(description="New contracts use the newest version in effect on their day")


class TemplateRequest(VersionRequest):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,49}$", examples=["bank_account"])
    name: str = Field(min_length=1, max_length=200)
    self_service: bool = Field(default=False, description="Customers may conclude it themselves; it becomes "
                                                          "active as soon as they sign")


class ContractRequest(BaseModel):
    template_id: UUID
    customer_id: UUID | None = Field(default=None, description="Staff only: the customer the contract is for")
    parameters: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)],
                     Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, max_length=50, examples=[{"full_name": "Иванов Иван Иванович"}],
        description="Values of the template's placeholders")


class TerminateRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, pattern=r"\S")


@router.get("/templates", response_model=TemplateList)
def list_templates(_principal: UserPrincipal) -> dict[str, Any]:
    """Contract templates with their newest version number."""
    with UnitOfWork() as uow:
        return {"items": service.list_templates(uow)}


@router.post("/templates", status_code=201, response_model=TemplateDetail)
def create_template(request: TemplateRequest, principal: AdminPrincipal) -> dict[str, Any]:
    """Create a template together with its first published version (admin)."""
    with UnitOfWork() as uow:
        return service.create_template(uow, principal, request.code, request.name, request.self_service,
                                       request.title, request.body, request.effective_from)


@router.get("/templates/{template_id}", response_model=TemplateDetail)
def get_template(template_id: UUID, _principal: UserPrincipal) -> dict[str, Any]:
    """A template with all its published versions, newest first."""
    with UnitOfWork() as uow:
        return service.get_template(uow, template_id)


@router.post("/templates/{template_id}/versions", status_code=201, response_model=TemplateVersion)
def publish_version(template_id: UUID, request: VersionRequest, principal: AdminPrincipal) -> dict[str, Any]:
    """Publish a new immutable version of the template (admin)."""
    with UnitOfWork() as uow:
        return service.publish_version(uow, principal, template_id, request.title, request.body,
                                       request.effective_from)


@router.post("/contracts", status_code=201, response_model=Contract)
def create_contract(request: ContractRequest, principal: UserPrincipal, key: IdempotencyKey) -> JSONResponse:
    """A draft contract (staff for a customer, or a customer for a self-service template); idempotent."""
    with UnitOfWork() as uow:
        result = service.create_contract(uow, principal, key, request.template_id, request.customer_id,
                                         request.parameters)
    return result.to_response()


@router.get("/contracts", response_model=ContractPage)
def list_contracts(_principal: StaffPrincipal, customer_id: UUID | None = None, status: Status | None = None,
                   limit: Limit = DEFAULT_LIMIT, cursor: str | None = None) -> dict[str, Any]:
    """Contracts, newest first, optionally of one customer (staff)."""
    with UnitOfWork() as uow:
        return service.list_contracts(uow, customer_id, status, limit, cursor)


@router.get("/contracts/my", response_model=ContractPage)
def my_contracts(principal: UserPrincipal, status: Status | None = None, limit: Limit = DEFAULT_LIMIT,
                 cursor: str | None = None) -> dict[str, Any]:
    """The caller's contracts, newest first."""
    with UnitOfWork() as uow:
        return service.my_contracts(uow, principal, status, limit, cursor)


@router.get("/contracts/{contract_id}", response_model=ContractDetail)
def get_contract(contract_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """One contract with its status history (its customer and staff; anyone else gets 404)."""
    with UnitOfWork() as uow:
        return service.get_contract(uow, principal, contract_id)


@router.get("/contracts/{contract_id}/document", response_model=ContractDocument)
def contract_document(contract_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """The rendered contract: a short-lived presigned URL of the stored document, its text and SHA-256."""
    return service.contract_document(principal, contract_id)


@router.post("/contracts/{contract_id}/sign", response_model=Contract)
def sign_contract(contract_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """The customer accepts their draft (self-service contracts become active at once)."""
    with UnitOfWork() as uow:
        return service.sign_contract(uow, principal, contract_id)


@router.post("/contracts/{contract_id}/activate", response_model=Contract)
def activate_contract(contract_id: UUID, principal: StaffPrincipal) -> dict[str, Any]:
    """Put a signed contract into force (staff)."""
    with UnitOfWork() as uow:
        return service.activate_contract(uow, principal, contract_id)


@router.post("/contracts/{contract_id}/terminate", response_model=Contract)
def terminate_contract(contract_id: UUID, request: TerminateRequest, principal: StaffPrincipal) -> dict[str, Any]:
    """Terminate (or withdraw) a contract, with the reason (staff)."""
    with UnitOfWork() as uow:
        return service.terminate_contract(uow, principal, contract_id, request.reason)


app = create_app("contracts", routers=[router], description="Service contracts, their versions and statuses.")
EVENT_HANDLERS = {ACCOUNT_OPENED: service.conclude_account_agreement}
