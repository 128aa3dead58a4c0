"""Use cases of the ledger: double-entry postings, balances, holds. No HTTP, no SQL strings.

Every money-moving use case runs inside the caller's UnitOfWork and goes through `run_idempotent`, so the
effect, its postings, the balance changes, the stored Idempotency-Key response and the outbox event commit
together or not at all. Accounts are locked in id order (`lock_accounts`); a hold is always locked before
its accounts. A refusal after a request was accepted (insufficient funds, expired hold) is stored as the
key's response and announced as `payment.failed`; malformed or unauthorised requests simply raise.
"""

from __future__ import annotations

import uuid
import weakref
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.db import Connection, UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotEmpty,
    AccountNotFound,
    AlreadyReversed,
    CurrencyMismatch,
    TransactionNotFound,
    TransactionNotReversible,
)
from bank_shared.events import outbox
from bank_shared.idempotency import IdempotentResult
from bank_shared.money import money_json
from bank_shared.observability import count
from bank_shared.timestamps import utc_text
from ledger_service.repository import LedgerAccount, LedgerRepository, LedgerTransaction, Leg
from ledger_service.transfers import TransferOrder, transfer_order, transfer_result

if TYPE_CHECKING:
    pass
from ledger_service.postings import (
    AccountConflict,
    Posting,
    idempotent,
    post,
    require_active,
    sides,
)


def register_account(uow: UnitOfWork, account_id: UUID, owner_id: UUID, currency: str,
                     overdraft_limit: int = 0) -> LedgerAccount:
    """Idempotent: the same registration twice is a no-op; a different one for the same id is a conflict."""
    repository = LedgerRepository(uow.connection)
    repository.insert_customer_account(account_id, owner_id, currency, overdraft_limit)
    row = repository.get_account(account_id)
    assert row is not None
    if row.kind != "customer" or row.owner_id != owner_id or row.currency != currency:
        raise AccountConflict(f"Ledger account {account_id} is registered with other attributes")
    return row


def close_account(uow: UnitOfWork, account_id: UUID) -> LedgerAccount:
    repository = LedgerRepository(uow.connection)
    account = repository.lock_accounts([account_id]).get(account_id)
    if account is None or account.kind != "customer":
        raise AccountNotFound(f"No account {account_id}")
    if account.status == "closed":
        return account
    if account.balance != 0 or account.held != 0:
        raise AccountNotEmpty("Only an account with a zero balance and no active holds can be closed")
    repository.set_status(account_id, "closed")
    return replace(account, status="closed")


def balance_view(account: LedgerAccount) -> dict[str, Any]:
    currency = account.currency
    return {
        "account_id": str(account.id),
        "currency": currency,
        "balance": money_json(account.balance, currency),
        "held": money_json(account.held, currency),
        "available": money_json(account.balance - account.held, currency),
        "overdraft_limit": money_json(account.overdraft_limit, currency),
        "status": account.status,
    }


def can_see(principal: Principal, account: LedgerAccount) -> bool:
    return principal.is_staff or principal.is_service or str(account.owner_id) == principal.subject


def get_balance(uow: UnitOfWork, principal: Principal, account_id: UUID) -> dict[str, Any]:
    """A customer sees only their own accounts; anyone else's is reported as not found (no existence leak)."""
    account = LedgerRepository(uow.connection).get_account(account_id)
    if account is None or account.kind != "customer" or not can_see(principal, account):
        raise AccountNotFound(f"No account {account_id}")
    return balance_view(account)


def get_balances(uow: UnitOfWork, account_ids: list[UUID]) -> list[dict[str, Any]]:
    return [balance_view(row) for row in LedgerRepository(uow.connection).get_accounts(account_ids)
            if row.kind == "customer"]


# money movement -----------------------------------------------------------------------------------------------

COMBINER_BATCH = 32  # requests per leader transaction (each one a PL/pgSQL subtransaction; PGPROC caches 64)
COMBINER_WAIT_SECONDS = 0.05  # a waiter re-polls this often even without a notification (e.g. a dead leader)
_listening: weakref.WeakKeyDictionary[Connection, set[UUID]] = weakref.WeakKeyDictionary()


def submit_transfer(connection: Connection, principal: Principal, key: str, from_account_id: UUID,
                    to_account_id: UUID, amount: int, currency: str, description: str = "",
                    counterparties: dict[str, Any] | None = None) -> IdempotentResult:
    """The transfer as its own database transaction, on an autocommit connection with no transaction open.

    Uncontended: one round trip (ledger_transfer_apply in autocommit). When an account is locked by another
    transaction, the request goes to that account's combiner: one leader applies every queued request in
    one database transaction (one commit, one WAL flush and one lock hand-over for the whole batch), each
    with its own ledger transaction, stored key and event; the others wait for that commit."""
    import psycopg.errors
    from psycopg import pq

    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        raise RuntimeError("submit_transfer runs its own transactions: call it with no transaction open")
    order = transfer_order(principal, key, from_account_id, to_account_id, amount, currency, description,
                           counterparties)
    repository = LedgerRepository(connection)
    try:
        outcome = repository.apply_transfer(order, False)
    except psycopg.errors.LockNotAvailable as busy:
        outcome = _combine(repository, UUID(busy.diag.message_detail or ""), order)
    result = transfer_result(order, outcome)
    if not result.replayed:
        outbox.relay_after_commit(connection)
    return result


def _combine(repository: LedgerRepository, account_id: UUID, order: TransferOrder) -> dict[str, Any]:
    connection = repository.connection
    channels = _listening.setdefault(connection, set())
    if account_id not in channels:
        repository.listen_combiner(account_id)
        channels.add(account_id)
    for _ in connection.notifies(timeout=0):  # drop notifications left over from earlier batches
        pass
    request_id = uuid.uuid4()
    leader = repository.enqueue_transfer(request_id, account_id, order)
    while True:
        if leader:
            try:
                while (outcome := repository.lead_transfers(account_id, request_id, COMBINER_BATCH)) is None:
                    pass
                return outcome
            finally:
                if not connection.broken:
                    repository.step_down(account_id)
        for _ in connection.notifies(timeout=COMBINER_WAIT_SECONDS, stop_after=1):
            pass
        state = repository.poll_transfer(request_id, account_id)
        if state.get("outcome") is not None:
            outcome = state["outcome"]
            return outcome  # type: ignore[no-any-return]
        leader = bool(state.get("leader"))


@dataclass(frozen=True)
class StaffAction:
    """Who asked for a staff operation executed by the back office, and who approved it (maker-checker)."""

    requested_by: str
    approved_by: str | None = None


def topup(uow: UnitOfWork, principal: Principal, key: str, account_id: UUID, amount: int, currency: str,
          source: str = "cash", description: str = "", kind: str = "topup",
          action: StaffAction | None = None, counterparty: dict[str, Any] | None = None) -> IdempotentResult:
    """Cash deposit or incoming payment (or, with kind='issuance', explicit creation of money). With `action`
    (the back office's top-ups), the ledger transaction names the employee who asked and who approved. The
    account's holder sees `counterparty` as the other side (a cash deposit: the bank's cash desk)."""
    system_kind = "issuance" if kind == "issuance" else source
    payload = {"account": str(account_id), "amount": amount, "currency": currency, "source": system_kind,
               "description": description,
               **({"requested_by": action.requested_by, "approved_by": action.approved_by} if action else {})}

    def operation() -> tuple[int, dict[str, Any]]:
        repository = LedgerRepository(uow.connection)
        system_id = repository.system_account_id(system_kind, currency)
        if system_id is None:
            raise CurrencyMismatch(f"No {system_kind} account in {currency}")
        locked = repository.lock_accounts([account_id, system_id])
        target = require_active(locked.get(account_id), account_id)
        if target.currency != currency:
            raise CurrencyMismatch(f"The account is in {target.currency}, not {currency}")
        party = counterparty or ({"kind": "cash_desk"} if system_kind == "cash" else None)
        return 201, post(uow, action.requested_by if action else principal.actor,
                          Posting(kind, system_id, account_id, amount, currency, description,
                                  approved_by=action.approved_by if action else None,
                                  counterparties=sides((account_id, party))))

    result = idempotent(uow, f"{kind}:{principal.actor}", key, payload, operation)
    if result.status == 201 and not result.replayed:
        count("TopUps", source=system_kind)
    return result


# reversals ----------------------------------------------------------------------------------------------------

REVERSIBLE_KINDS = frozenset({"issuance", "topup", "transfer", "hold_capture"})


def transaction_view(transaction: LedgerTransaction, postings: list[Leg], reversed_by: UUID | None) -> dict[str, Any]:
    return {
        "id": str(transaction.id),
        "type": transaction.kind,
        "description": transaction.description,
        "initiated_by": transaction.initiated_by,
        "approved_by": transaction.approved_by,
        "reverses": str(transaction.reverses) if transaction.reverses else None,
        "reversed_by": str(reversed_by) if reversed_by else None,
        "created_at": utc_text(transaction.created_at),
        "postings": [{"account_id": str(row.account_id), "direction": "credit" if row.amount > 0 else "debit",
                      "amount": money_json(abs(row.amount), row.currency)} for row in postings],
        "counterparties": transaction.counterparties or {},
    }


def get_transaction(uow: UnitOfWork, transaction_id: UUID) -> dict[str, Any]:
    """One ledger transaction with its postings and, if it was reversed, the reversal's id."""
    repository = LedgerRepository(uow.connection)
    transaction = repository.get_transaction(transaction_id)
    if transaction is None:
        raise TransactionNotFound(f"No transaction {transaction_id}")
    return transaction_view(transaction, repository.postings_of(transaction_id),
                            repository.reversal_of(transaction_id))


def _reversal_posting(repository: LedgerRepository, transaction_id: UUID, description: str,
                      approved_by: str | None) -> Posting:
    """The posting that undoes `transaction_id` in full: the same amount, the other way round."""
    transaction = repository.get_transaction(transaction_id)
    if transaction is None:
        raise TransactionNotFound(f"No transaction {transaction_id}")
    if transaction.kind not in REVERSIBLE_KINDS:
        raise TransactionNotReversible(f"A {transaction.kind} transaction cannot be reversed"
                                       + (" (reverse the exchange with a new one)" if transaction.kind == "exchange"
                                          else ""))
    if repository.reversal_of(transaction_id) is not None:
        raise AlreadyReversed(f"Transaction {transaction_id} has already been reversed")
    legs = repository.postings_of(transaction_id)
    debit = next(row for row in legs if row.amount < 0)
    credit = next(row for row in legs if row.amount > 0)
    return Posting("reversal", credit.account_id, debit.account_id, credit.amount, credit.currency,
                   description or f"Reversal of {transaction_id}", reverses=transaction_id, approved_by=approved_by,
                   counterparties=transaction.counterparties)  # the same other side, the money back


def reverse(uow: UnitOfWork, principal: Principal, key: str, transaction_id: UUID, description: str,
            action: StaffAction) -> IdempotentResult:
    """Reverse a posted transaction in full, once: a `reversal` transaction linked to it, moving the amount
    back. The balance rules still hold (a reversal that would take an account below its limit is refused)
    and closed accounts are not touched."""
    payload = {"reverses": str(transaction_id), "description": description,
               "requested_by": action.requested_by, "approved_by": action.approved_by}

    def operation() -> tuple[int, dict[str, Any]]:
        import psycopg.errors

        repository = LedgerRepository(uow.connection)
        posting = _reversal_posting(repository, transaction_id, description, action.approved_by)
        locked = repository.lock_accounts([posting.debit, posting.credit])
        for account in locked.values():
            if account.kind == "customer" and account.status != "active":
                raise AccountClosed(f"Account {account.id} is closed")
        try:
            return 201, post(uow, action.requested_by, posting)
        except psycopg.errors.UniqueViolation as error:  # reversed by a concurrent request in the meantime
            raise AlreadyReversed(f"Transaction {transaction_id} has already been reversed") from error

    return idempotent(uow, f"reversal:{principal.subject}", key, payload, operation)


# currency exchange --------------------------------------------------------------------------------------------
