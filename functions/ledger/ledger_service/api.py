"""HTTP routes of the ledger service: parse, call one use case, shape the response."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.answers import Counterparty, Movement, PostingPage, TransactionType
from bank_shared.app import create_app
from bank_shared.auth import (
    LiveCustomerPrincipal,
    Principal,
    ServicePrincipal,
    UserOrServicePrincipal,
)
from bank_shared.db import UnitOfWork, get_connection
from bank_shared.errors import Unprocessable
from bank_shared.idempotency import IdempotencyKey
from bank_shared.money import Amount, Rate, to_minor
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, InvalidCursor, decode_cursor, page
from ledger_service import currency_exchange, history, holds, interest, service
from ledger_service.models import (
    Balance,
    Balances,
    Capture,
    Exchange,
    Hold,
    PostingList,
    Transaction,
)
from ledger_service.postings import sides

router = APIRouter(tags=["ledger"])
internal = APIRouter(prefix="/internal", tags=["ledger-internal"])

# Customers move their own money here; staff move money only through the back office (office's maker-checker
# calls the internal routes below), services through /internal/transfers.
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])]
Description = Annotated[str, Field(max_length=200)]
MAX_CLOSING_DAYS = 62


class TopupRequest(BaseModel):
    account_id: UUID
    amount: Amount
    currency: Currency
    source: Literal["cash", "settlement"] = "cash"
    description: Description = ""
    counterparty: Counterparty | None = Field(default=None, description="The other side in the account holder's "
                                                                         "history (a cash deposit: the cash desk)")


StaffId = Annotated[str, Field(min_length=1, max_length=100, description="The employee's user id")]


class StaffTopupRequest(TopupRequest):
    requested_by: StaffId = Field(description="The employee who asked for the top-up (the maker)")
    approved_by: StaffId | None = Field(default=None, description="The second employee who approved it, if it "
                                                                   "needed approval (the checker)")


class ReversalRequest(BaseModel):
    description: Description = ""
    requested_by: StaffId = Field(description="The employee who asked for the reversal (the maker)")
    approved_by: StaffId = Field(description="The second employee who approved it (the checker)")


class TransferRequest(BaseModel):
    from_account_id: UUID
    to_account_id: UUID
    amount: Amount
    currency: Currency
    description: Description = ""

    @property
    def amount_minor(self) -> int:
        """The amount in minor units: converted once, here at the edge (422 `invalid_amount` for a zero amount
        or more decimals than the currency has); from here on a transfer carries only this integer."""
        return to_minor(self.amount, self.currency)


class ServiceTransferRequest(TransferRequest):
    sender_sees: Counterparty | None = Field(default=None, description="The other side in the sender's history "
                                                                        "(the recipient's masked name)")
    recipient_sees: Counterparty | None = Field(default=None, description="The other side in the recipient's "
                                                                           "history (the sender's masked name)")


class RegisterAccountRequest(BaseModel):
    account_id: UUID
    owner_id: UUID
    currency: Currency
    overdraft_limit: Amount = "0"


class HoldRequest(BaseModel):
    account_id: UUID
    amount: Amount
    currency: Currency
    ttl_seconds: int | None = Field(default=None, ge=1)
    description: Description = ""


class MoneyIn(BaseModel):
    amount: Amount
    currency: Currency


class ExchangeRequest(BaseModel):
    quote_id: UUID = Field(description="The fx quote this exchange executes (one exchange per quote)")
    owner_id: UUID = Field(description="The customer who must own both accounts")
    from_account_id: UUID
    to_account_id: UUID
    sell: MoneyIn = Field(description="Leaves from_account_id, in its currency")
    buy: MoneyIn = Field(description="Arrives in to_account_id, in its currency")
    rate: Rate = Field(description="The customer's rate: buy units per sell unit")
    description: Description = ""


class CaptureRequest(BaseModel):
    to_account_id: UUID
    amount: Amount | None = None
    description: Description = ""
    counterparty: Counterparty | None = Field(default=None, description="The other side in the hold account's "
                                                                         "history (the merchant, the provider)")


def _submit_transfer(request: TransferRequest, principal: Principal, key: str,
                     counterparties: dict[str, Any] | None = None) -> JSONResponse:
    result = service.submit_transfer(get_connection(), principal, key, request.from_account_id,
                                     request.to_account_id, request.amount_minor, request.currency,
                                     request.description, counterparties)
    return result.to_response()


@router.post("/transfer", status_code=201, response_model=Movement)
def transfer(request: TransferRequest, principal: LiveCustomerPrincipal, key: IdempotencyKey) -> JSONResponse:
    """Same-currency transfer; a customer may only debit their own accounts."""
    return _submit_transfer(request, principal, key)


def _party(counterparty: Counterparty | None) -> dict[str, Any] | None:
    return None if counterparty is None else counterparty.model_dump(exclude_none=True)


def _cursor_position(cursor: str | None) -> tuple[datetime, int] | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    try:
        return datetime.fromisoformat(str(position["t"])), int(position["p"])
    except (KeyError, ValueError, TypeError):
        raise InvalidCursor("The cursor is not one this API issued") from None


@router.get("/transactions", response_model=PostingPage)
def transactions(
    principal: UserOrServicePrincipal,
    account_id: UUID | None = None,
    type: TransactionType | None = None,
    date_from: Annotated[datetime | None, Query(alias="from")] = None,
    date_to: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Text or counterparty name contained in the "
                                                                   "operation (case-insensitive)")] = None,
) -> dict[str, Any]:
    """The caller's postings, newest first, with cursor pagination and filters."""
    with UnitOfWork() as uow:
        items, next_position = history.list_transactions(uow, principal, account_id, type, date_from, date_to,
                                                         _cursor_position(cursor), limit, (q or "").strip() or None)
    return page(items, limit, {"t": next_position[0].isoformat(), "p": next_position[1]} if next_position else None)


@router.get("/accounts/{account_id}/balance", response_model=Balance)
def balance(account_id: UUID, principal: UserOrServicePrincipal) -> dict[str, Any]:
    """Balance and available balance (balance minus active holds) of one account."""
    with UnitOfWork() as uow:
        return service.get_balance(uow, principal, account_id)


# internal (service token only) ------------------------------------------------------------------------------

@internal.post("/accounts", status_code=201, response_model=Balance)
def register_account(request: RegisterAccountRequest, _principal: ServicePrincipal) -> dict[str, Any]:
    """Create the ledger account for a customer account (idempotent by account_id)."""
    overdraft = to_minor(request.overdraft_limit, request.currency, allow_zero=True)
    with UnitOfWork() as uow:
        row = service.register_account(uow, request.account_id, request.owner_id, request.currency, overdraft)
    return service.balance_view(row)


@internal.post("/accounts/{account_id}/close", response_model=Balance)
def close_account(account_id: UUID, _principal: ServicePrincipal) -> dict[str, Any]:
    """Close a ledger account: only with a zero balance and no active holds."""
    with UnitOfWork() as uow:
        return service.balance_view(service.close_account(uow, account_id))


@internal.get("/balances", response_model=Balances)
def balances(_principal: ServicePrincipal,
             account_id: Annotated[list[UUID], Query(max_length=100)]) -> dict[str, Any]:
    """Balances of several accounts at once (for accounts' `GET /my`)."""
    with UnitOfWork() as uow:
        return {"items": service.get_balances(uow, account_id)}


@internal.post("/transfers", status_code=201, response_model=Movement)
def service_transfer(request: ServiceTransferRequest, principal: ServicePrincipal,
                     key: IdempotencyKey) -> JSONResponse:
    """Same-currency transfer on a customer's behalf (the customer service's P2P, after its own ownership
    check); the internal path keeps service traffic out of the per-user rate limit of `/transfer`. The
    caller names each side's counterparty (masked names: never a full name, phone or account number)."""
    parties = sides((request.from_account_id, _party(request.sender_sees)),
                    (request.to_account_id, _party(request.recipient_sees)))
    return _submit_transfer(request, principal, key, parties)


@internal.post("/exchanges", status_code=201, response_model=Exchange)
def exchange(request: ExchangeRequest, principal: ServicePrincipal, key: IdempotencyKey) -> JSONResponse:
    """Currency exchange between two accounts of one customer, through the bank's FX position accounts."""
    order = currency_exchange.ExchangeOrder(
        quote_id=request.quote_id, owner_id=request.owner_id, from_account_id=request.from_account_id,
        to_account_id=request.to_account_id, sell_amount=to_minor(request.sell.amount, request.sell.currency),
        sell_currency=request.sell.currency, buy_amount=to_minor(request.buy.amount, request.buy.currency),
        buy_currency=request.buy.currency, rate=Decimal(request.rate), description=request.description)
    with UnitOfWork() as uow:
        result = currency_exchange.exchange(uow, principal, key, order)
    return result.to_response()


@internal.get("/transactions", response_model=PostingPage)
def owner_transactions(
    _principal: ServicePrincipal, owner_id: UUID,
    account_id: UUID | None = None,
    date_from: Annotated[datetime | None, Query(alias="from")] = None,
    date_to: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
) -> dict[str, Any]:
    """A customer's postings across their accounts (or one of them), newest first, in [from, to), with cursor
    pagination (the customer dashboard's latest ones, the back office's history)."""
    with UnitOfWork() as uow:
        items, next_position = history.owner_page(uow, owner_id, account_id, date_from, date_to,
                                                  _cursor_position(cursor), limit)
    return page(items, limit, {"t": next_position[0].isoformat(), "p": next_position[1]} if next_position else None)


STATEMENT_MAX_POSTINGS = 5000


@internal.get("/accounts/{account_id}/postings", response_model=PostingList)
def account_postings(
    account_id: UUID, _principal: ServicePrincipal,
    date_from: Annotated[datetime | None, Query(alias="from")] = None,
    date_to: Annotated[datetime | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=STATEMENT_MAX_POSTINGS)] = STATEMENT_MAX_POSTINGS,
) -> dict[str, Any]:
    """One account's postings in [from, to), oldest first, at most `limit` (the customer's statements)."""
    with UnitOfWork() as uow:
        return {"items": history.account_postings(uow, account_id, date_from, date_to, limit)}


@internal.post("/topups", status_code=201, response_model=Movement)
def staff_topup(request: StaffTopupRequest, principal: ServicePrincipal, key: IdempotencyKey) -> JSONResponse:
    """Cash deposit or incoming payment into a customer account, for the back office once its limits and
    approvals allow it; the ledger transaction names the employee who asked and the one who approved."""
    amount = to_minor(request.amount, request.currency)
    with UnitOfWork() as uow:
        result = service.topup(uow, principal, key, request.account_id, amount, request.currency, request.source,
                               request.description,
                               action=service.StaffAction(request.requested_by, request.approved_by),
                               counterparty=_party(request.counterparty))
    return result.to_response()


@internal.get("/transactions/{transaction_id}", response_model=Transaction)
def get_transaction(transaction_id: UUID, _principal: ServicePrincipal) -> dict[str, Any]:
    """One ledger transaction with its postings, and the reversal that undid it, if any."""
    with UnitOfWork() as uow:
        return service.get_transaction(uow, transaction_id)


@internal.post("/transactions/{transaction_id}/reversal", status_code=201, response_model=Movement)
def reverse_transaction(transaction_id: UUID, request: ReversalRequest, principal: ServicePrincipal,
                        key: IdempotencyKey) -> JSONResponse:
    """Reverse a posted transaction in full, once (the back office, after a second employee approved)."""
    with UnitOfWork() as uow:
        result = service.reverse(uow, principal, key, transaction_id, request.description,
                                 service.StaffAction(request.requested_by, request.approved_by))
    return result.to_response()


@internal.post("/holds", status_code=201, response_model=Hold)
def create_hold(request: HoldRequest, principal: ServicePrincipal, key: IdempotencyKey) -> JSONResponse:
    """Reserve available balance for a multi-step operation."""
    amount = to_minor(request.amount, request.currency)
    with UnitOfWork() as uow:
        result = holds.create_hold(uow, principal, key, request.account_id, amount, request.currency,
                                     request.ttl_seconds, request.description)
    return result.to_response()


@internal.get("/holds/{hold_id}", response_model=Hold)
def get_hold(hold_id: UUID, _principal: ServicePrincipal) -> dict[str, Any]:
    with UnitOfWork() as uow:
        return holds.get_hold(uow, hold_id)


@internal.post("/holds/{hold_id}/capture", status_code=201, response_model=Capture)
def capture_hold(hold_id: UUID, request: CaptureRequest, principal: ServicePrincipal,
                 key: IdempotencyKey) -> JSONResponse:
    """Post a pending hold (or part of it) to a destination account; the rest is released."""
    with UnitOfWork() as uow:
        hold = holds.get_hold(uow, hold_id)
        currency = hold["amount"]["currency"]
        amount = to_minor(request.amount, currency) if request.amount is not None else None
    with UnitOfWork() as uow:
        result = holds.capture_hold(uow, principal, key, hold_id, request.to_account_id, amount,
                                      request.description, _party(request.counterparty))
    return result.to_response()


@internal.post("/holds/{hold_id}/void", response_model=Hold)
def void_hold(hold_id: UUID, principal: ServicePrincipal, key: IdempotencyKey) -> JSONResponse:
    """Release a pending hold."""
    with UnitOfWork() as uow:
        result = holds.void_hold(uow, principal, key, hold_id)
    return result.to_response()


class InterestRequest(BaseModel):
    kind: Literal["accrue", "capitalize"] = Field(description="accrue: interest expense → accrued interest "
                                                              "(liability); capitalize: accrued interest → account")
    account_id: UUID = Field(description="The savings account the interest is for")
    amount: Amount
    currency: Currency
    description: Description = ""


class ClosingBalance(BaseModel):
    day: str = Field(description="A UTC date")
    balance_minor: int = Field(description="The balance at the end of that day, in minor units")


class ClosingBalances(BaseModel):
    items: list[ClosingBalance]


@internal.post("/interest", status_code=201, response_model=Movement)
def post_interest(request: InterestRequest, principal: ServicePrincipal, key: IdempotencyKey) -> JSONResponse:
    """Savings interest (accounts' daily accrual and monthly capitalization), once per Idempotency-Key."""
    amount = to_minor(request.amount, request.currency)
    with UnitOfWork() as uow:
        result = interest.post_interest(uow, principal, key, request.kind, request.account_id, amount,
                                        request.currency, request.description)
    return result.to_response()


@internal.get("/closing-balances", response_model=ClosingBalances)
def closing_balances(_principal: ServicePrincipal, account_id: UUID, first: date,
                     last: date) -> dict[str, Any]:
    """An account's balance at the end of each UTC day from `first` to `last` (at most 62 days)."""
    if not 0 <= (last - first).days < MAX_CLOSING_DAYS:
        raise Unprocessable(f"Ask for 1 to {MAX_CLOSING_DAYS} days")
    with UnitOfWork() as uow:
        return {"items": interest.daily_closing_balances(uow, account_id, first, last)}


app = create_app("ledger", routers=[router, internal],
                 description="Double-entry ledger: balances, postings, holds, transfers.")
EVENT_HANDLERS: dict[str, Any] = {}
