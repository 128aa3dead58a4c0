"""HTTP routes of the office service (the back office's back end; employees and admins only): parse, call
one use case, shape the response. Answers of the services office calls are handed back unchanged
(problem+json with their codes, `Idempotent-Replayed`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr, Field, SecretStr

from bank_shared.answers import PostingPage
from bank_shared.app import create_app
from bank_shared.http import relay
from bank_shared.kyc import KycAnswer, KycRequest
from bank_shared.money import Money
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from bank_shared.phones import Phone
from bank_shared.user_profile import UserFields
from office_service.approvals_api import router as approvals_router
from office_service.audit_api import router as audit_router
from office_service.card_limits_api import router as card_limits_router
from office_service.clients import PostingFilter
from office_service.dependencies import Admin, IdempotencyKey, OfficeDep, Staff
from office_service.products_api import router as products_router
from office_service.service import Actor

router = APIRouter(tags=["office"])
admin = APIRouter(tags=["office-admin"])
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=300)]
SearchQuery = Annotated[str | None, Query(max_length=100, description="Part of the e-mail, name or phone")]
StaffRole = Literal["employee", "admin"]
UserStatus = Literal["pending", "active", "disabled"]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])]


# --------------------------------------------------------------------------- schemas


class NewCustomerRequest(BaseModel):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None


class NewEmployeeRequest(BaseModel):
    email: EmailStr
    password: SecretStr = Field(max_length=256)
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None
    roles: list[StaffRole] = Field(default_factory=lambda: list[StaffRole](["employee"]), min_length=1)


class ReasonRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the audit log)")


class EmployeeRolesRequest(BaseModel):
    roles: list[StaffRole] = Field(min_length=1, max_length=2)
    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the audit log)")


class OptionalReason(BaseModel):
    reason: str | None = Field(default=None, min_length=3, max_length=500,
                               description="Why (kept in the audit log); the back-office screens always send one")


class OpenAccountRequest(BaseModel):
    currency: Currency
    product_code: str = Field(default="current", max_length=50)


class UserProfile(UserFields):
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserProfile]
    next_cursor: str | None


class Card(BaseModel):
    id: UUID
    account_id: UUID
    pan_masked: str
    last4: str
    expiry: str
    status: str
    created_at: datetime | None = None


class Account(BaseModel):
    id: UUID
    number: str
    owner_id: UUID
    product_code: str
    currency: str
    status: str
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    balance: Money | None = None
    available: Money | None = None
    cards: list[Card] = Field(default_factory=list)


class CustomerCard(BaseModel):
    profile: UserProfile
    accounts: list[Account]


# --------------------------------------------------------------------------- customers


@router.post("/customers", status_code=201, response_model=UserProfile)
def create_customer(body: NewCustomerRequest, principal: Staff, use: OfficeDep) -> JSONResponse:
    """Create an active customer; they choose a password through the one-time link mailed to them."""
    return relay(use.create_customer(Actor.of(principal), str(body.email), body.full_name, body.phone))


@router.get("/customers", response_model=UserPage)
def search_customers(principal: Staff, use: OfficeDep, query: SearchQuery = None,
                     limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> JSONResponse:
    """Customers matching the query (e-mail, name or phone digits), newest first."""
    return relay(use.search_customers(Actor.of(principal), query, limit, cursor))


@router.get("/customers/{customer_id}", response_model=CustomerCard)
def customer_card(customer_id: UUID, principal: Staff, use: OfficeDep) -> JSONResponse:
    """The customer's profile and accounts, with balances and (masked) cards."""
    return relay(use.customer_card(Actor.of(principal), customer_id))


@router.get("/customers/{customer_id}/kyc", response_model=KycAnswer)
def customer_kyc(customer_id: UUID, principal: Staff, use: OfficeDep) -> JSONResponse:
    """The customer's KYC data, the document number masked; `kyc` is null when none was recorded."""
    return relay(use.customer_kyc(Actor.of(principal), customer_id))


@router.put("/customers/{customer_id}/kyc", response_model=KycAnswer)
def save_customer_kyc(customer_id: UUID, body: KycRequest, principal: Staff, use: OfficeDep) -> JSONResponse:
    """Record or replace the customer's KYC data (audited: who, when, which fields; never the values)."""
    kyc = body.model_dump(mode="json") | {"document_number": body.document_number.get_secret_value()}
    return relay(use.save_customer_kyc(Actor.of(principal), customer_id, kyc))


@router.get("/customers/{customer_id}/transactions", response_model=PostingPage)
def customer_transactions(customer_id: UUID, principal: Staff, use: OfficeDep, account_id: UUID | None = None,
                          date_from: Annotated[datetime | None, Query(alias="from")] = None,
                          date_to: Annotated[datetime | None, Query(alias="to")] = None,
                          limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> JSONResponse:
    """The customer's postings across all their accounts (or the one named; another customer's account gives
    none), newest first, in [from, to), with cursor pagination. Audited as a read."""
    filters = PostingFilter(account_id, date_from, date_to, limit, cursor)
    return relay(use.customer_transactions(Actor.of(principal), customer_id, filters))


@router.post("/customers/{customer_id}/block", response_model=UserProfile)
def block_customer(customer_id: UUID, body: ReasonRequest, principal: Staff, use: OfficeDep) -> JSONResponse:
    """Block a customer: they cannot sign in and every session they hold ends now; the reason is audited."""
    return relay(use.set_customer_blocked(Actor.of(principal), customer_id, True, body.reason))


@router.post("/customers/{customer_id}/unblock", response_model=UserProfile)
def unblock_customer(customer_id: UUID, body: ReasonRequest, principal: Staff, use: OfficeDep) -> JSONResponse:
    """Unblock a customer (they can sign in again); the reason is audited."""
    return relay(use.set_customer_blocked(Actor.of(principal), customer_id, False, body.reason))


@router.post("/customers/{customer_id}/accounts", status_code=201, response_model=Account)
def open_account(customer_id: UUID, body: OpenAccountRequest, principal: Staff,
                 key: IdempotencyKey, use: OfficeDep) -> JSONResponse:
    """Open an account for the customer (accounts' open, idempotent by the Idempotency-Key passed through)."""
    return relay(use.open_account(Actor.of(principal), key, customer_id, body.product_code,
                                     body.currency))


# --------------------------------------------------------------------------- accounts and cards


@router.post("/accounts/{account_id}/close", response_model=Account)
def close_account(account_id: UUID, principal: Staff, use: OfficeDep,
                  body: OptionalReason | None = None) -> JSONResponse:
    """Close an account with a zero balance and no holds (the reason, if given, goes into the audit log)."""
    return relay(use.close_account(Actor.of(principal), account_id, body.reason if body else None))


@router.post("/accounts/{account_id}/cards", status_code=201, response_model=Card)
def issue_card(account_id: UUID, principal: Staff, key: IdempotencyKey,
               use: OfficeDep) -> JSONResponse:
    """Issue a card on the account (Idempotency-Key passed through)."""
    return relay(use.issue_card(Actor.of(principal), key, account_id))


@router.post("/cards/{card_id}/block", response_model=Card)
def block_card(card_id: UUID, principal: Staff, use: OfficeDep, body: OptionalReason | None = None) -> JSONResponse:
    return relay(use.set_card_blocked(Actor.of(principal), card_id, True, body.reason if body else None))


@router.post("/cards/{card_id}/unblock", response_model=Card)
def unblock_card(card_id: UUID, principal: Staff, use: OfficeDep,
                 body: OptionalReason | None = None) -> JSONResponse:
    return relay(use.set_card_blocked(Actor.of(principal), card_id, False, body.reason if body else None))


# --------------------------------------------------------------------------- administration


@admin.get("/employees", response_model=UserPage)
def list_employees(principal: Admin, use: OfficeDep, query: SearchQuery = None,
                   role: StaffRole | None = None, status: UserStatus | None = None,
                   limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None) -> JSONResponse:
    """Staff (employees and admins), newest first, by e-mail, name or phone, of one role or status."""
    return relay(use.list_employees(Actor.of(principal), query, limit, cursor, role, status))


@admin.post("/employees", status_code=201, response_model=UserProfile)
def create_employee(body: NewEmployeeRequest, principal: Admin, use: OfficeDep) -> JSONResponse:
    """Create an active back-office account (auth's `POST /employees` semantics)."""
    payload = {"email": str(body.email), "password": body.password.get_secret_value(), "full_name": body.full_name,
               "phone": body.phone, "roles": body.roles}
    return relay(use.create_employee(Actor.of(principal), payload))


@admin.post("/employees/{employee_id}/roles", response_model=UserProfile)
def set_employee_roles(employee_id: UUID, body: EmployeeRolesRequest, principal: Admin,
                       use: OfficeDep) -> JSONResponse:
    """Replace an employee's roles (an admin cannot remove their own admin role: 409
    `cannot_remove_own_admin_role`); the employee's sessions end so the new roles apply at once; audited
    with the reason."""
    return relay(use.set_employee_roles(Actor.of(principal), employee_id, list(body.roles), body.reason))


@admin.post("/employees/{employee_id}/deactivate", response_model=UserProfile)
def deactivate_employee(employee_id: UUID, body: ReasonRequest, principal: Admin, use: OfficeDep) -> JSONResponse:
    """Deactivate an employee: they cannot sign in and every session they hold ends now (never oneself: 409
    `cannot_deactivate_self`); audited with the reason."""
    return relay(use.set_employee_active(Actor.of(principal), employee_id, False, body.reason))


@admin.post("/employees/{employee_id}/reactivate", response_model=UserProfile)
def reactivate_employee(employee_id: UUID, body: ReasonRequest, principal: Admin, use: OfficeDep) -> JSONResponse:
    """Reactivate a deactivated employee (they can sign in again); audited with the reason."""
    return relay(use.set_employee_active(Actor.of(principal), employee_id, True, body.reason))


app = create_app("office", routers=[router, approvals_router, card_limits_router, products_router, admin, audit_router],
                 description="The back office for employees: customers, employees, accounts, cards, cash top-ups and "
                             "reversals with maker-checker approvals.")
