"""The rules of maker-checker (office_service/approvals.py): its problems, the limits a staff top-up is held
to, and what an approval or a rejection does to a request in each state. Pure: no I/O, no clock of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bank_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from bank_shared.money import from_minor, money_json, to_minor
from office_service.approvals_repository import MoneyRequest
from office_service.settings import OfficeSettings


class ApprovalNotFound(NotFound):
    code, title = "approval_not_found", "Approval request not found"


class MakerCannotApprove(Forbidden):
    code, title = "maker_cannot_approve", "The employee who made a request cannot approve it"


class ApprovalAlreadyDecided(Conflict):
    code, title = "approval_already_decided", "The request has already been decided"


class ApprovalExpired(Conflict):
    code, title = "approval_expired", "The request expired before anyone approved it"


class OperationLimitExceeded(Unprocessable):
    code, title = "operation_limit_exceeded", "The amount is above the limit of one operation"


class DailyLimitExceeded(Unprocessable):
    code, title = "daily_limit_exceeded", "The amount would pass the employee's 24-hour limit"


class ReversalAlreadyRequested(Conflict):
    code, title = "reversal_already_requested", "A reversal of this transaction is already requested or done"






@dataclass(frozen=True)
class Limits:
    """Per currency, in major units ("*": every other currency)."""

    approval_threshold: dict[str, Decimal]
    per_operation: dict[str, Decimal]
    daily: dict[str, Decimal]

    @classmethod
    def from_settings(cls, settings: OfficeSettings) -> Limits:
        return cls(settings.office_approval_threshold, settings.office_topup_max, settings.office_daily_topup_limit)

    @staticmethod
    def minor(table: dict[str, Decimal], currency: str) -> int:
        return to_minor(table.get(currency, table["*"]), currency)


def topup_needs_approval(limits: Limits, currency: str, amount: int, topped_up_today: int) -> bool:
    """Whether a top-up of `amount` (minor units) waits for a second employee; raises when it is over the
    per-operation cap or would pass the maker's 24-hour limit (what they topped up or asked to, pending
    requests included)."""
    cap = Limits.minor(limits.per_operation, currency)
    if amount > cap:
        raise OperationLimitExceeded(f"One top-up may be at most {from_minor(cap, currency)} {currency}",
                                     limit=money_json(cap, currency))
    daily = Limits.minor(limits.daily, currency)
    if topped_up_today + amount > daily:
        left = max(0, daily - topped_up_today)
        raise DailyLimitExceeded(f"{from_minor(left, currency)} {currency} left of the 24-hour limit",
                                 limit=money_json(daily, currency), remaining=money_json(left, currency))
    return amount >= Limits.minor(limits.approval_threshold, currency)


def effective_status(request: MoneyRequest, now: datetime) -> str:
    """A pending request past its expiry is expired, whether or not the schedule has marked it yet."""
    if request.status == "pending" and request.expires_at <= now:
        return "expired"
    return request.status


def approval_step(request: MoneyRequest, actor_id: str, now: datetime) -> str:
    """What an approval by `actor_id` does to the (locked) request: `approve` it, `execute` it (the same
    approver again while its execution has not finished: a double click, a retry), `answer` with its outcome
    (that approver's request is done), or `expire` it (it expired while pending). Raises for anyone else."""
    status = effective_status(request, now)
    if status == "expired":
        if request.status == "pending":
            return "expire"
        raise ApprovalExpired(f"Request {request.id} expired")
    if status == "pending":
        if request.maker_id == actor_id:
            raise MakerCannotApprove("A second employee must approve this request")
        return "approve"
    if request.needs_approval and request.decided_by == actor_id and status in ("approved", "executed", "failed"):
        return "execute" if status == "approved" else "answer"
    raise ApprovalAlreadyDecided(f"The request is {status}" + (f" by {request.decided_by}"
                                                              if request.decided_by else ""))


def rejection_step(request: MoneyRequest, actor_id: str, now: datetime) -> str:
    """`reject` (anyone, the maker withdrawing included), `answer` (already rejected by them), `expire`."""
    status = effective_status(request, now)
    if status == "pending":
        return "reject"
    if status == "expired" and request.status == "pending":
        return "expire"
    if status == "rejected" and request.decided_by == actor_id:
        return "answer"
    if status == "expired":
        raise ApprovalExpired(f"Request {request.id} expired")
    raise ApprovalAlreadyDecided(f"The request is {status}")
