"""HTTP routes of the customer service (the customer cabinet's back end; customers only)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from bank_shared.answers import Account, Card, Exchanged, Movement, PostingItem, UtilityPayment
from bank_shared.app import create_app
from bank_shared.auth import CustomerPrincipal, LiveCustomerPrincipal, Principal, customer_id
from bank_shared.http import relay
from bank_shared.idempotency import IdempotencyKey
from bank_shared.money import Amount, Money
from bank_shared.phones import Phone
from bank_shared.ratelimit import Limit, spend_budget
from customer_service import document_routes, service
from customer_service.clients import get_services
from customer_service.dashboard import DashboardLimits, build_dashboard
from customer_service.settings import get_customer_settings

router = APIRouter(tags=["customer"])
# Money-moving routes also refuse a token whose session was signed out (bank_shared.sessions).
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])]


class TransferRequest(BaseModel):
    from_account_id: UUID
    to_account_number: Annotated[str | None, Field(pattern=r"^[0-9]{20}$")] = None
    to_phone: Phone | None = None
    amount: Amount
    currency: Currency
    description: Annotated[str, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _one_recipient(self) -> TransferRequest:
        if (self.to_account_number is None) == (self.to_phone is None):
            raise ValueError("give exactly one of to_account_number or to_phone")
        return self


class ExchangeRequest(BaseModel):
    from_account_id: UUID = Field(description="Sells from this account")
    to_account_id: UUID = Field(description="Buys into this account")
    amount: Amount
    currency: Currency = Field(description="Either account's currency: the amount fixed on that side")


class UtilityPayRequest(BaseModel):
    provider_id: UUID
    payer_account: Annotated[str, Field(min_length=1, max_length=40, examples=["1234567890"],
                                        description="The payer's account number at the provider (лицевой счёт)")]
    from_account_id: UUID = Field(description="The caller's own RUB account")
    amount: Amount
    currency: Currency = "RUB"


class DashboardProfile(BaseModel):
    id: UUID
    email: str
    full_name: str
    phone: str | None


class TransferRecipient(BaseModel):
    account_number: str
    name: str | None = Field(description="Masked (\"Иван И.\") when found by phone; null by account number")


class TransferReceipt(Movement):
    recipient: TransferRecipient


class Dashboard(BaseModel):
    profile: DashboardProfile | None
    accounts: list[Account]
    cards: list[Card]
    recent_transactions: list[PostingItem]
    unread_notifications: int | None = Field(description="Unread entries of the in-app inbox; null: unknown "
                                                        "(notifications did not answer in time)")
    missing: list[str] = Field(description="Parts that could not be fetched in time: profile, accounts, cards, "
                                           "balances, transactions, notifications")


def _user_id(principal: Principal) -> UUID:
    return customer_id(principal, "Only customers have a cabinet")


def recipient_lookups() -> service.LookupBudget:
    """A customer finds recipients (by phone or account number) at most so often: who banks here is not a
    question to ask a thousand times. 429 when spent; fails open if Redis is down (funds are still checked
    before any lookup)."""
    limit = Limit.parse(get_customer_settings().recipient_lookup_limit)
    return lambda user_id: spend_budget("customer recipient lookup", f"sub:{user_id}", limit)


Lookups = Annotated[service.LookupBudget, Depends(recipient_lookups)]


@router.get("/dashboard", response_model=Dashboard)
def dashboard(principal: CustomerPrincipal) -> dict[str, Any]:
    """Profile, accounts with balances, masked cards, recent transactions and the unread notification count
    in one answer; parts that could not be fetched in time are empty (or null) and named in `missing`."""
    settings = get_customer_settings()
    limits = DashboardLimits(settings.dashboard_part_timeout_seconds, settings.dashboard_deadline_seconds,
                             settings.dashboard_recent_transactions)
    return build_dashboard(get_services(), _user_id(principal), limits)


class PreviewRecipient(BaseModel):
    name: str | None = Field(description='The recipient\'s first name and initials ("Иван И."); null if unknown')
    account_number_masked: str = Field(examples=["•• 1234"])


class TransferPreview(BaseModel):
    from_account_id: UUID
    from_account_number: str
    recipient: PreviewRecipient
    amount: Money
    fee: Money = Field(description="The bank's fee (zero today)")
    total: Money = Field(description="What leaves the source account: amount plus fee")


@router.post("/transfer/preview", response_model=TransferPreview)
def transfer_preview(request: TransferRequest, principal: LiveCustomerPrincipal, lookups: Lookups) -> dict[str, Any]:
    """The confirm step of a P2P transfer: who receives it (masked name), the amount, the fee and the source
    account. Nothing moves. The same checks as the transfer (funds before any lookup, 422 for any recipient
    without them) and the same per-customer lookup budget (429 `rate_limited`)."""
    order = service.TransferOrder(_user_id(principal), request.from_account_id, request.amount, request.currency,
                                  request.to_account_number, request.to_phone, request.description)
    return service.preview(get_services(), order, get_customer_settings().customer_dependency_timeout_seconds,
                           lookups)


@router.post("/transfer", status_code=201, response_model=TransferReceipt)
def transfer(request: TransferRequest, principal: LiveCustomerPrincipal, key: IdempotencyKey,
             lookups: Lookups) -> JSONResponse:
    """P2P transfer to another customer by account number or phone number (same currency). The funds are
    checked before the recipient is looked up (422 `insufficient_funds` for any recipient), and recipient
    lookups are limited per customer (429 `rate_limited`)."""
    order = service.TransferOrder(_user_id(principal), request.from_account_id, request.amount, request.currency,
                                  request.to_account_number, request.to_phone, request.description)
    timeout = get_customer_settings().customer_dependency_timeout_seconds
    return relay(service.transfer(get_services(), key, order, timeout, lookups))


@router.post("/fx/exchange", status_code=201, response_model=Exchanged)
def fx_exchange(request: ExchangeRequest, principal: LiveCustomerPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Exchange between two of the caller's accounts: quote and execute in one step, through fx."""
    order = service.ExchangeOrder(_user_id(principal), request.from_account_id, request.to_account_id,
                                  request.amount, request.currency)
    return relay(service.exchange(get_services(), key, order))


@router.post("/utilities/pay", status_code=201, response_model=UtilityPayment)
def utilities_pay(request: UtilityPayRequest, principal: LiveCustomerPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Pay a utility bill (ЖКХ) from one of the caller's RUB accounts, through utilities."""
    order = service.UtilityOrder(_user_id(principal), request.provider_id, request.payer_account.strip(),
                                 request.from_account_id, request.amount, request.currency)
    return relay(service.pay_utility(get_services(), key, order))


app = create_app(
    "customer", routers=[router, document_routes.router],
    description="The customer cabinet's back end: dashboard, P2P transfers, currency exchange, utility payments.",
)
