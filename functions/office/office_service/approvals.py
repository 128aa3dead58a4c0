"""Maker-checker for the money staff move (issue 15 item 1, finding F3): cash top-ups and reversals.

Every staff top-up and reversal becomes a money request (migration 0002) before any money moves:

* a top-up above the hard per-operation cap, or past the employee's 24-hour limit, is refused outright;
* a top-up under the approval threshold is executed at once (its request is the record of it);
* a top-up at or above the threshold, and every reversal, waits as `pending` in the approvals queue until a
  DIFFERENT employee approves it (it executes then, once) or rejects it with a reason, or it expires.

The ledger is called with office's own service identity, the maker and the checker named as data, and the
request's own Idempotency-Key (`ledger_key`): approving twice, two approvers racing (the request row is
locked; only one of them decides) and the schedule retrying after an outage all apply the money once.
Every step is written to the audit log. No network call happens while a transaction is open.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    AlreadyReversed,
    AppError,
    CurrencyMismatch,
    DependencyUnavailable,
    IdempotencyKeyReused,
    TransactionNotFound,
    TransactionNotReversible,
)
from bank_shared.http import Answer
from bank_shared.idempotency import fingerprint
from bank_shared.money import from_minor, money_json, to_minor
from bank_shared.observability import logger
from office_service.approval_rules import (
    ApprovalExpired,
    ApprovalNotFound,
    Limits,
    ReversalAlreadyRequested,
    approval_step,
    effective_status,
    rejection_step,
    topup_needs_approval,
)
from office_service.approvals_repository import MoneyRequest, MoneyRequestRepository, NewMoneyRequest, database
from office_service.service import Actor, Office

SYSTEM = Actor("system", frozenset({"system"}), "")
REVERSIBLE_KINDS = frozenset({"issuance", "topup", "transfer", "hold_capture"})  # = the ledger's
# The ledger keeps a stored Idempotency-Key response for 48 hours (bank_shared.retention): an unfinished
# execution is retried by the schedule only well inside that window, so a retry can never apply twice; an
# older one stays `approved` in the queue for an operator to look into.
RETRY_WINDOW_SECONDS = 24 * 3600


# --------------------------------------------------------------------------------------------------- views


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def request_view(request: MoneyRequest, viewer_id: str, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    status = effective_status(request, now)
    result = ({"status": request.result_status, "body": request.result_body}
              if request.result_status is not None else None)
    return {
        "id": str(request.id), "kind": request.kind, "status": status,
        "amount": money_json(request.amount_minor, request.currency),
        "account_id": str(request.account_id) if request.account_id else None,
        "transaction_id": str(request.transaction_id) if request.transaction_id else None,
        "description": request.description, "details": request.details,
        "maker_id": request.maker_id, "needs_approval": request.needs_approval,
        "decided_by": request.decided_by, "decided_at": _iso(request.decided_at),
        "decision_reason": request.decision_reason, "created_at": _iso(request.created_at),
        "expires_at": _iso(request.expires_at), "executed_at": _iso(request.executed_at),
        "result": result,
        "can_approve": status == "pending" and request.maker_id != viewer_id,
    }


# --------------------------------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class Approvals(Office):
    """The back office's money desk: Office's audited actions, with the maker-checker queue."""

    limits: Limits
    ttl_seconds: int
    retry_after_seconds: int
    unit_of_work: Callable[[], UnitOfWork] = UnitOfWork

    # ------------------------------------------------------------------------------------------- top-ups

    def request_topup(self, actor: Actor, key: str, account_id: UUID, amount: str, currency: str,
                      description: str, reason: str | None = None) -> Answer:
        """Executed at once under the threshold (the ledger's answer), else 202 with the pending request."""
        amount_minor = to_minor(amount, currency)

        def call() -> Answer:
            account = self._account(account_id, currency)
            payload = {"kind": "topup", "account": str(account_id), "amount": amount_minor, "currency": currency,
                       "description": description}
            request, replayed = self._record(actor, key, payload, lambda repository: NewMoneyRequest(
                id=uuid.uuid4(), kind="topup", maker_id=actor.id, maker_key=key,
                request_hash=fingerprint("office.topup", payload), amount_minor=amount_minor, currency=currency,
                needs_approval=topup_needs_approval(self.limits, currency, amount_minor,
                                                    repository.topped_up_today(actor.id, currency)),
                ttl_seconds=self.ttl_seconds, account_id=account_id, description=description,
                details={"account_number": account.get("number"), "customer_id": account.get("owner_id")}))
            return self._answer_request(actor, request, replayed)

        return self._perform(actor, "account.topup", "account", str(account_id), call, key=key,
                             details={"amount": amount, "currency": currency} | ({"reason": reason} if reason else {}))

    def _account(self, account_id: UUID, currency: str) -> dict[str, Any]:
        answer = self.services.account(account_id)
        if answer.status == 404 or (answer.ok and not answer.body.get("items")):
            raise AccountNotFound(f"No account {account_id}")
        if not answer.ok:
            raise DependencyUnavailable(f"accounts answered {answer.status}", dependency="accounts")
        account: dict[str, Any] = answer.body["items"][0]
        if account["status"] != "active":
            raise AccountClosed(f"Account {account.get('number') or account_id} is closed")
        if account["currency"] != currency:
            raise CurrencyMismatch(f"The account is in {account['currency']}, not {currency}")
        return account

    # ------------------------------------------------------------------------------------------- reversals

    def request_reversal(self, actor: Actor, key: str, transaction_id: UUID, reason: str) -> Answer:
        """Every reversal waits for a second employee: 202 with the pending request."""

        def call() -> Answer:
            amount, currency, details = self._reversible(transaction_id)
            payload = {"kind": "reversal", "transaction": str(transaction_id), "reason": reason}

            def new(repository: MoneyRequestRepository) -> NewMoneyRequest:
                if repository.open_reversal(transaction_id) is not None:
                    raise ReversalAlreadyRequested(f"Transaction {transaction_id} already has a reversal request")
                return NewMoneyRequest(
                    id=uuid.uuid4(), kind="reversal", maker_id=actor.id, maker_key=key,
                    request_hash=fingerprint("office.reversal", payload), amount_minor=amount, currency=currency,
                    needs_approval=True, ttl_seconds=self.ttl_seconds, transaction_id=transaction_id,
                    description=reason, details=details)

            request, replayed = self._record(actor, key, payload, new)
            return self._answer_request(actor, request, replayed)

        return self._perform(actor, "transaction.reverse", "transaction", str(transaction_id), call, key=key,
                             details={"reason": reason})

    def _reversible(self, transaction_id: UUID) -> tuple[int, str, dict[str, Any]]:
        """The amount and currency a reversal moves back, and what the approver is shown; early refusals."""
        answer = self.services.ledger_transaction(transaction_id)
        if answer.status == 404:
            raise TransactionNotFound(f"No transaction {transaction_id}")
        if not answer.ok:
            raise DependencyUnavailable(f"ledger answered {answer.status}", dependency="ledger")
        transaction = answer.body
        if transaction["type"] not in REVERSIBLE_KINDS:
            raise TransactionNotReversible(f"A {transaction['type']} transaction cannot be reversed")
        if transaction.get("reversed_by"):
            raise AlreadyReversed(f"Transaction {transaction_id} was reversed by {transaction['reversed_by']}")
        credit = next(p for p in transaction["postings"] if p["direction"] == "credit")
        debit = next(p for p in transaction["postings"] if p["direction"] == "debit")
        currency = credit["amount"]["currency"]
        details = {"type": transaction["type"], "from_account_id": debit["account_id"],
                   "to_account_id": credit["account_id"], "original_description": transaction["description"],
                   "created_at": transaction["created_at"]}
        return to_minor(credit["amount"]["amount"], currency), currency, details

    # ------------------------------------------------------------------------------------------- decisions

    def approve(self, actor: Actor, request_id: UUID, reason: str | None = None) -> Answer:
        """The checker's approval (with their reason, if given): the request executes now, once."""

        def call() -> Answer:
            request = self._decide(request_id, lambda row: approval_step(row, actor.id, datetime.now(UTC)),
                                   "approved", actor.id, reason)
            if request.status == "approved":
                request = self._execute(request)
            return self._decision_answer(actor, request)

        return self._perform(actor, "approval.approve", "approval", str(request_id), call,
                             details={"reason": reason} if reason else None)

    def reject(self, actor: Actor, request_id: UUID, reason: str) -> Answer:
        def call() -> Answer:
            request = self._decide(request_id, lambda row: rejection_step(row, actor.id, datetime.now(UTC)),
                                   "rejected", actor.id, reason)
            return Answer(200, request_view(request, actor.id))

        return self._perform(actor, "approval.reject", "approval", str(request_id), call, details={"reason": reason})

    def get(self, actor: Actor, request_id: UUID) -> dict[str, Any]:
        with database(self.unit_of_work) as uow:
            request = MoneyRequestRepository(uow.connection).get(request_id)
        if request is None:
            raise ApprovalNotFound(f"No approval request {request_id}")
        return request_view(request, actor.id)

    def queue(self, actor: Actor, status: str | None, kind: str | None, after: tuple[datetime, UUID] | None,
              limit: int) -> tuple[list[dict[str, Any]], tuple[datetime, UUID] | None]:
        """Requests newest first (`status=pending`: the approvals queue), each saying whether the viewer may
        approve it."""
        with database(self.unit_of_work) as uow:
            rows = MoneyRequestRepository(uow.connection).newest_first(status, kind, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return [request_view(row, actor.id) for row in rows], ((rows[-1].created_at, rows[-1].id) if more
                                                               else None)

    # ------------------------------------------------------------------------------------------- schedule

    def expire_due(self, limit: int = 100) -> int:
        """Pending requests past their expiry become `expired` (each one audited as the system's action)."""
        with database(self.unit_of_work) as uow:
            expired = MoneyRequestRepository(uow.connection).expire_due(limit)
        for request in expired:
            self._perform(SYSTEM, "approval.expire", "approval", str(request.id),
                          partial(Answer, 200, request_view(request, SYSTEM.id)))
        return len(expired)

    def finish_unfinished(self, limit: int = 20) -> int:
        """Approved requests whose execution did not finish (the ledger was down) are executed again, under
        their own key; returns how many finished now."""
        with database(self.unit_of_work) as uow:
            pending = MoneyRequestRepository(uow.connection).unfinished(self.retry_after_seconds,
                                                                        RETRY_WINDOW_SECONDS, limit)
        finished = 0
        for request in pending:
            try:
                done = self._perform(SYSTEM, "approval.execute", "approval", str(request.id),
                                     partial(self._execute_answer, SYSTEM, request))
            except AppError as error:
                logger.warning("approved request still not executed", extra={"request_id": str(request.id),
                                                                            "code": error.code})
                continue
            finished += int(done.status != 202)
        return finished

    # ------------------------------------------------------------------------------------------- steps

    def _record(self, actor: Actor, key: str, payload: dict[str, Any],
                new: Callable[[MoneyRequestRepository], NewMoneyRequest]) -> tuple[MoneyRequest, bool]:
        """The maker's request, once per Idempotency-Key (a replay returns it; another body is refused)."""
        request_hash = fingerprint(f"office.{payload['kind']}", payload)
        with database(self.unit_of_work) as uow:
            repository = MoneyRequestRepository(uow.connection)
            repository.lock_maker(actor.id)
            existing = repository.by_maker_key(actor.id, key)
            if existing is not None:
                if existing.request_hash != request_hash:
                    raise IdempotencyKeyReused()
                return existing, True
            return repository.insert(new(repository)), False

    def _decide(self, request_id: UUID, step: Callable[[MoneyRequest], str], status: str, actor_id: str,
                reason: str | None) -> MoneyRequest:
        """Lock the request and apply the step; an expiry found here is committed before it is reported."""
        with database(self.unit_of_work) as uow:
            repository = MoneyRequestRepository(uow.connection)
            request = repository.get(request_id, for_update=True)
            if request is None:
                raise ApprovalNotFound(f"No approval request {request_id}")
            action = step(request)
            if action in ("approve", "reject"):
                return repository.decide(request_id, status, actor_id, reason)
            if action == "expire":
                repository.decide(request_id, "expired", None, None)
        if action == "expire":
            raise ApprovalExpired(f"Request {request_id} expired")
        return request

    def _execute(self, request: MoneyRequest) -> MoneyRequest:
        """Move the money through the ledger under the request's own key and record its answer once. An
        outage raises (the request stays `approved`; the schedule retries); an execution still in flight
        elsewhere (a double click) leaves it as it is."""
        amount = from_minor(request.amount_minor, request.currency)
        if request.kind == "topup":
            answer = self.services.execute_topup(request.ledger_key, {
                "account_id": str(request.account_id), "amount": amount, "currency": request.currency,
                "source": "cash", "description": request.description, "requested_by": request.maker_id,
                "approved_by": request.decided_by})
        else:
            assert request.transaction_id is not None, "a reversal names its transaction (migration 0002's CHECK)"
            answer = self.services.reverse_transaction(request.ledger_key, request.transaction_id, {
                "description": request.description, "requested_by": request.maker_id,
                "approved_by": request.decided_by})
        if answer.status == 409 and answer.body.get("code") == "idempotency_request_in_flight":
            return request
        with database(self.unit_of_work) as uow:
            repository = MoneyRequestRepository(uow.connection)
            finished = repository.finish(request.id, "executed" if answer.ok else "failed", answer.status,
                                         answer.body)
            return finished or repository.get(request.id) or request

    def _execute_answer(self, actor: Actor, request: MoneyRequest) -> Answer:
        return self._decision_answer(actor, self._execute(request))

    def _answer_request(self, actor: Actor, request: MoneyRequest, replayed: bool) -> Answer:
        """A new top-up under the threshold is executed now and answered with the ledger's answer; anything
        waiting for approval is answered 202 with the request."""
        if not request.needs_approval:
            if request.status == "approved":
                request = self._execute(request)
            if request.result_status is not None:
                return Answer(*request.outcome(), replayed)
        return Answer(202, request_view(request, actor.id), replayed)

    def _decision_answer(self, actor: Actor, request: MoneyRequest) -> Answer:
        """200 with the request once executed; the ledger's refusal (with the request) when it failed; 202
        while its execution is still under way."""
        view = request_view(request, actor.id)
        if request.status == "failed":
            status, body = request.outcome()
            return Answer(status, {**body, "approval": view})
        return Answer(200 if request.status == "executed" else 202, view)

