"""HTTP routes of the money staff move (office_service.approvals): cash top-ups, reversals and the approvals
queue (maker-checker). Parse, call one use case, shape the response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bank_shared.answers import Movement
from bank_shared.auth import ADMIN, EMPLOYEE, Principal, require_roles
from bank_shared.http import relay
from bank_shared.idempotency import require_key
from bank_shared.money import Money
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_time_id, time_id_page
from office_service.approval_rules import Limits
from office_service.approvals import Approvals
from office_service.clients import get_services
from office_service.repository import get_audit_log
from office_service.service import Actor
from office_service.settings import get_office_settings

router = APIRouter(tags=["office-approvals"])
Staff = Annotated[Principal, Depends(require_roles(EMPLOYEE, ADMIN, live=True))]
IdempotencyKey = Annotated[str, Depends(require_key)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"])]
Amount = Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,4})?$", examples=["1500.00"],
                              description="Decimal string in major units (ASCII digits)")]
Reason = Annotated[str, Field(min_length=3, max_length=500,
                              description="Why (kept with the request and in the audit log)")]
RequestStatus = Literal["pending", "approved", "executed", "failed", "rejected", "expired"]


class TopupRequest(BaseModel):
    amount: Amount
    currency: Currency
    description: str = Field(default="", max_length=200)
    reason: Reason | None = Field(default=None, description="The employee's note (audit log only, not the customer's "
                                                             "history)")


class ReversalRequest(BaseModel):
    reason: Reason


class RejectRequest(BaseModel):
    reason: Reason


class ApproveRequest(BaseModel):
    reason: Reason | None = None


class ExecutionResult(BaseModel):
    status: int = Field(description="The ledger's HTTP status")
    body: dict[str, Any] = Field(description="The ledger's answer: the transaction, or its problem")


class MoneyRequest(BaseModel):
    id: UUID
    kind: Literal["topup", "reversal"]
    status: RequestStatus
    amount: Money
    account_id: UUID | None = Field(description="topup: the account credited")
    transaction_id: UUID | None = Field(description="reversal: the ledger transaction undone")
    description: str
    details: dict[str, Any] = Field(description="What the approver is shown: account number and customer, or the "
                                                "original transaction's accounts")
    maker_id: str
    needs_approval: bool
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime
    expires_at: datetime
    executed_at: datetime | None
    result: ExecutionResult | None
    can_approve: bool = Field(description="Whether the caller may approve it now (pending, and not their own)")


class MoneyRequestPage(BaseModel):
    items: list[MoneyRequest]
    next_cursor: str | None


def approvals() -> Approvals:
    settings = get_office_settings()
    return Approvals(get_services(), get_audit_log(), Limits.from_settings(settings),
                     settings.office_approval_ttl_seconds, settings.office_approval_retry_after_seconds)


Desk = Annotated[Approvals, Depends(approvals)]



@router.post("/accounts/{account_id}/topup", status_code=201, response_model=Movement, responses={
    202: {"model": MoneyRequest, "description": "At or above the approval threshold: waits for a second employee"}})
def topup(account_id: UUID, body: TopupRequest, principal: Staff, key: IdempotencyKey, desk: Desk) -> JSONResponse:
    """Cash deposit into the account. Under the approval threshold it is executed at once (201, the ledger's
    transaction); at or above it, 202 with a pending request another employee must approve. Above the
    per-operation cap or past the employee's 24-hour limit: 422 (`operation_limit_exceeded`,
    `daily_limit_exceeded`)."""
    return relay(desk.request_topup(Actor.of(principal), key, account_id, body.amount, body.currency,
                                    body.description, body.reason))


@router.post("/transactions/{transaction_id}/reversal", status_code=202, response_model=MoneyRequest)
def request_reversal(transaction_id: UUID, body: ReversalRequest, principal: Staff, key: IdempotencyKey,
                     desk: Desk) -> JSONResponse:
    """Ask for a posted ledger transaction to be reversed in full; it waits for a second employee's approval."""
    return relay(desk.request_reversal(Actor.of(principal), key, transaction_id, body.reason))


@router.get("/approvals", response_model=MoneyRequestPage)
def approvals_queue(principal: Staff, desk: Desk, status: RequestStatus | None = None,
                    kind: Literal["topup", "reversal"] | None = None,
                    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
                    cursor: Annotated[str | None, Query(max_length=300)] = None) -> dict[str, Any]:
    """Staff money requests, newest first; `status=pending` is the approvals queue."""
    items, after = desk.queue(Actor.of(principal), status, kind, decode_time_id(cursor), limit)
    return time_id_page(items, limit, after)


@router.get("/approvals/{request_id}", response_model=MoneyRequest)
def approval(request_id: UUID, principal: Staff, desk: Desk) -> dict[str, Any]:
    return desk.get(Actor.of(principal), request_id)


@router.post("/approvals/{request_id}/approve", response_model=MoneyRequest, responses={
    202: {"model": MoneyRequest, "description": "Approved; the execution is still under way"}})
def approve(request_id: UUID, principal: Staff, desk: Desk, body: ApproveRequest | None = None) -> JSONResponse:
    """Approve someone else's pending request: it executes now, once (clicking again answers the outcome).
    The maker cannot approve their own request (403 `maker_cannot_approve`); a request someone else decided
    is 409 `approval_already_decided`; an expired one 409 `approval_expired`. A refusal by the ledger
    (e.g. `insufficient_funds` for a reversal) is relayed with the request in `approval`. The checker's reason,
    if given, is kept with the request (`decision_reason`) and in the audit log."""
    return relay(desk.approve(Actor.of(principal), request_id, body.reason if body else None))


@router.post("/approvals/{request_id}/reject", response_model=MoneyRequest)
def reject(request_id: UUID, body: RejectRequest, principal: Staff, desk: Desk) -> JSONResponse:
    """Reject a pending request with a reason (the maker may withdraw their own)."""
    return relay(desk.reject(Actor.of(principal), request_id, body.reason))
