"""Use cases of standing orders (autopay): create, list, show, cancel — and the sweep that pays them.

The sweep runs on the accounts function's one-minute schedule (docs/products.md: one sweeper rather than an
EventBridge Scheduler schedule per order). It works in two steps:

1. in one transaction, every active order with an occurrence due on or before today gets one
   `standing_order_runs` row per due occurrence (inserting an existing one does nothing), and the order's
   next due date moves on — so an outage of any length leaves each missed occurrence exactly one row;
2. after that commit, each pending run is paid with no transaction open, under the occurrence's key
   (occurrences.occurrence_key) at the ledger or utilities, which replay a key they have seen: a sweep that
   dies after paying, or two sweeps at once, never pay twice. The outcome is then recorded in a short
   transaction of its own.

Insufficient funds: `skip` closes the occurrence as skipped; `retry` tries again on each of the next
`standing_order_retry_days` days, then fails it. Any other refusal fails the occurrence; an unreachable owner
leaves it pending for the next sweep.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any, cast
from uuid import UUID

from accounts_service.occurrences import Frequency, Recurrence, due_through, occurrence_date, occurrence_key
from accounts_service.payments_client import Payments
from accounts_service.repository import Account, AccountsRepository
from accounts_service.settings import get_accounts_settings
from accounts_service.standing_orders_repository import NewOrder, OrderRun, StandingOrder, StandingOrdersRepository
from bank_shared.db import UnitOfWork
from bank_shared.errors import AppError, NotFound, Unprocessable
from bank_shared.http import Answer
from bank_shared.idempotency import IdempotentResult, fingerprint, run_idempotent
from bank_shared.money import from_minor, money_json
from bank_shared.observability import logger

MAX_DUE_PER_ORDER = 24
RUNS_SHOWN = 24


class StandingOrderNotFound(NotFound):
    code, title = "standing_order_not_found", "Standing order not found"


class StandingOrderInvalid(Unprocessable):
    code, title = "standing_order_invalid", "The standing order cannot be set up this way"


def recurrence(row: StandingOrder | NewOrder) -> Recurrence:
    return Recurrence(cast(Frequency, row.frequency), row.start_date, row.day_of_month, row.end_date, row.max_count)


def run_view(row: OrderRun) -> dict[str, Any]:
    return {"seq": row.seq, "due_date": row.due_date.isoformat(), "status": row.status,
            "attempts": row.attempts, "result_id": row.result_id, "problem_code": row.problem_code}


def order_view(row: StandingOrder, runs: list[OrderRun] | None = None) -> dict[str, Any]:
    return {
        "id": str(row.id), "name": row.name, "kind": row.kind,
        "from_account_id": str(row.from_account_id),
        "to_account_id": str(row.to_account_id) if row.to_account_id else None,
        "provider_id": str(row.provider_id) if row.provider_id else None,
        "payer_account": row.payer_account, "amount": money_json(row.amount, row.currency),
        "description": row.description, "frequency": row.frequency,
        "start_date": row.start_date.isoformat(), "day_of_month": row.day_of_month,
        "end_date": row.end_date.isoformat() if row.end_date else None, "max_count": row.max_count,
        "on_insufficient": row.on_insufficient, "status": row.status,
        "next_due": row.next_due.isoformat() if row.next_due else None,
        "runs": [run_view(r) for r in runs or []],
    }


@dataclass(frozen=True)
class OrderDraft:
    """A customer's order as asked for; the recipient is an account number (transfer) or a provider."""

    owner_id: UUID
    name: str
    from_account_id: UUID
    amount: int
    currency: str
    frequency: str
    start_date: date
    on_insufficient: str
    to_account_number: str | None = None
    provider_id: UUID | None = None
    payer_account: str | None = None
    description: str = ""
    day_of_month: int | None = None
    end_date: date | None = None
    max_count: int | None = None


def _own_active_account(repo: AccountsRepository, owner_id: UUID, account_id: UUID, currency: str) -> Account:
    source = repo.get(account_id)
    if source is None or source.owner_id != owner_id:
        raise StandingOrderInvalid("The source account is not one of yours")
    if source.status != "active":
        raise StandingOrderInvalid("The source account is closed")
    if source.currency != currency:
        raise StandingOrderInvalid(f"The source account is in {source.currency}, not {currency}")
    return source


def _recipient(repo: AccountsRepository, draft: OrderDraft) -> UUID | None:
    if draft.provider_id is not None:
        if draft.currency != "RUB" or not draft.payer_account:
            raise StandingOrderInvalid("A utility payment is in RUB and names the payer account")
        return None
    found = repo.find([], None, None, draft.to_account_number, 1) if draft.to_account_number else []
    if not found or found[0].status != "active":
        raise StandingOrderInvalid("No open account with this number")
    if found[0].currency != draft.currency:
        raise StandingOrderInvalid(f"The recipient's account is in {found[0].currency}")
    if found[0].id == draft.from_account_id:
        raise StandingOrderInvalid("Source and destination are the same account")
    return found[0].id


def create(uow: UnitOfWork, draft: OrderDraft, today: date, key: str) -> IdempotentResult:
    """A new active order (once per Idempotency-Key: a retried request creates no second order)."""
    payload = {**asdict(draft), "owner_id": str(draft.owner_id)}
    return run_idempotent(uow.connection, f"standing-order:{draft.owner_id}", key,
                          fingerprint("standing-order", payload), lambda: (201, _create(uow, draft, today)))


def _create(uow: UnitOfWork, draft: OrderDraft, today: date) -> dict[str, Any]:
    """Its first occurrence must be today or later."""
    if draft.start_date < today:
        raise StandingOrderInvalid("The start date is in the past")
    if draft.frequency == "monthly" and draft.day_of_month is None:
        draft = replace(draft, day_of_month=draft.start_date.day)
    if draft.frequency != "monthly":
        draft = replace(draft, day_of_month=None)
    accounts = AccountsRepository(uow.connection)
    _own_active_account(accounts, draft.owner_id, draft.from_account_id, draft.currency)
    to_account_id = _recipient(accounts, draft)
    order = NewOrder(
        id=uuid.uuid4(), owner_id=draft.owner_id, name=draft.name, kind="utility" if draft.provider_id else "transfer",
        from_account_id=draft.from_account_id, to_account_id=to_account_id, provider_id=draft.provider_id,
        payer_account=draft.payer_account if draft.provider_id else None, amount=draft.amount,
        currency=draft.currency, description=draft.description, frequency=draft.frequency,
        start_date=draft.start_date, day_of_month=draft.day_of_month, end_date=draft.end_date,
        max_count=draft.max_count, on_insufficient=draft.on_insufficient, next_due=date.min)
    first = occurrence_date(recurrence(order), 0)
    if first is None:
        raise StandingOrderInvalid("The order has no occurrence before its end date")
    return order_view(StandingOrdersRepository(uow.connection).insert(replace(order, next_due=first)))


def _owned(repo: StandingOrdersRepository, owner_id: UUID, order_id: UUID, *, lock: bool = False) -> StandingOrder:
    row = repo.get(order_id, lock=lock)
    if row is None or row.owner_id != owner_id:
        raise StandingOrderNotFound()
    return row


def list_orders(uow: UnitOfWork, owner_id: UUID) -> list[dict[str, Any]]:
    return [order_view(row) for row in StandingOrdersRepository(uow.connection).by_owner(owner_id)]


def get_order(uow: UnitOfWork, owner_id: UUID, order_id: UUID) -> dict[str, Any]:
    repo = StandingOrdersRepository(uow.connection)
    return order_view(_owned(repo, owner_id, order_id), repo.runs_of(order_id, RUNS_SHOWN))


def cancel(uow: UnitOfWork, owner_id: UUID, order_id: UUID) -> dict[str, Any]:
    """No further occurrence is created (idempotent); runs already created still complete."""
    repo = StandingOrdersRepository(uow.connection)
    _owned(repo, owner_id, order_id, lock=True)
    return order_view(repo.cancel(order_id))


# --- the sweep --------------------------------------------------------------------------------------------


def materialise_due(uow: UnitOfWork, today: date, limit: int) -> int:
    """Step 1: one run row per occurrence due by `today`; returns how many orders moved on."""
    repo = StandingOrdersRepository(uow.connection)
    orders = repo.lock_due(today, limit)
    for row in orders:
        rule = recurrence(row)
        due = due_through(rule, row.next_seq, today, MAX_DUE_PER_ORDER)
        for seq, when in due:
            repo.insert_run(row.id, seq, when)
        next_seq = row.next_seq + len(due)
        repo.advance(row.id, next_seq, occurrence_date(rule, next_seq))
    return len(orders)


def _payment(order: StandingOrder, run: OrderRun) -> tuple[str, dict[str, Any]]:
    amount = from_minor(order.amount, order.currency)
    label = order.description or order.name
    if order.kind == "utility":
        return "utility", {"payer_id": str(order.owner_id), "provider_id": str(order.provider_id),
                           "payer_account": order.payer_account, "from_account_id": str(order.from_account_id),
                           "amount": amount, "currency": order.currency}
    return "transfer", {"from_account_id": str(order.from_account_id), "to_account_id": str(order.to_account_id),
                        "amount": amount, "currency": order.currency,
                        "description": f"{label} ({run.due_date.isoformat()})"[:200]}


def _pay(payments: Payments, order: StandingOrder, run: OrderRun) -> Answer | None:
    """The owner's answer, or None when it could not be reached (the run stays pending)."""
    kind, body = _payment(order, run)
    key = occurrence_key(order.id, run.seq, run.due_date)
    try:
        return payments.utility_pay(key, body) if kind == "utility" else payments.transfer(key, body)
    except AppError as exc:
        logger.warning("standing order payment deferred", extra={"order_id": str(order.id), "seq": run.seq,
                                                                  "problem": exc.code})
        return None


TRANSIENT = frozenset({"idempotency_request_in_flight", "dependency_unavailable", "rate_limited"})


def record_outcome(uow: UnitOfWork, order: StandingOrder, run: OrderRun, answer: Answer, today: date) -> str:
    """Step 2's second half: the run's new status ('pending' again when it will be tried later)."""
    repo = StandingOrdersRepository(uow.connection)
    current = repo.lock_run(order.id, run.seq)
    if current is None or current.status != "pending":
        return current.status if current else "missing"
    code = str(answer.body.get("code", "")) if not answer.ok else None
    if answer.ok:
        repo.finish_run(order.id, run.seq, "paid", str(answer.body.get("id", "")) or None, None)
        return "paid"
    if code in TRANSIENT:
        return "pending"
    retry_until = run.due_date + timedelta(days=get_accounts_settings().standing_order_retry_days)
    if code == "insufficient_funds" and order.on_insufficient == "retry" and today < retry_until:
        repo.postpone_run(order.id, run.seq, today + timedelta(days=1), code)
        return "pending"
    status = "skipped" if code == "insufficient_funds" and order.on_insufficient == "skip" else "failed"
    repo.finish_run(order.id, run.seq, status, None, code)
    return status


def execute_pending(payments: Payments, today: date, limit: int) -> dict[str, int]:
    """Step 2: pay each pending run (no transaction open during the call), then record the outcome."""
    with UnitOfWork() as uow:
        repo = StandingOrdersRepository(uow.connection)
        runs = repo.pending_runs(today, limit)
        orders = {row.order_id: repo.get(row.order_id) for row in runs}
    counts: dict[str, int] = {}
    for run in runs:
        order = orders[run.order_id]
        answer = _pay(payments, order, run) if order is not None else None
        status = "pending"
        if answer is not None and order is not None:
            with UnitOfWork() as uow:
                status = record_outcome(uow, order, run, answer, today)
        counts[status] = counts.get(status, 0) + 1
    return counts


def sweep(payments: Payments, today: date) -> dict[str, Any]:
    """The scheduled task: create the due runs, then pay them."""
    batch = get_accounts_settings().standing_order_batch
    with UnitOfWork() as uow:
        moved = materialise_due(uow, today, batch)
    return {"orders_due": moved, "runs": execute_pending(payments, today, batch), "as_of": today.isoformat()}
