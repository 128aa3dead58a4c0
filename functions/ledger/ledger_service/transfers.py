"""A same-currency transfer as one typed order: what `POST /transfer` asked, who asked, and the answers and
events prepared for either outcome. `ledger_transfer_apply` (migrations/functions/ledger_transfer_apply.sql)
decides in the database — the Idempotency-Key, the account, ownership, currency and balance checks under the
row locks, the postings — and `transfer_result` turns its outcome into the answer. The amount arrives in minor
units (converted once, at the route); `as_json` is the one place that knows the SQL function's argument."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    CurrencyMismatch,
    IdempotencyKeyReused,
    IdempotencyRequestInFlight,
    InsufficientFunds,
    SameAccount,
    problem,
)
from bank_shared.events.envelope import new_event
from bank_shared.events.topics import PAYMENT_EXECUTED, PAYMENT_FAILED
from bank_shared.idempotency import IdempotentResult, fingerprint
from bank_shared.money import from_minor, money_json
from bank_shared.observability import count
from ledger_service.postings import SERVICE, BalanceLimitExceeded


@dataclass(frozen=True)
class TransferOrder:
    """One transfer for `ledger_transfer_apply`: the request, the key's scope and fingerprint, the ownership rule
    (`owner`: None when staff or a service may debit any account, else the customer who must own the source), and
    the prepared answer and event of success and of refusal (the database fills in `created_at`)."""

    scope: str
    key: str
    fingerprint: str
    from_account_id: UUID
    to_account_id: UUID
    amount: int
    currency: str
    description: str
    initiated_by: str
    owner: str | None
    transaction_id: UUID
    body: dict[str, Any]
    event: dict[str, Any]
    refused_body: dict[str, Any]
    refused_event: dict[str, Any]
    counterparties: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """The SQL function's argument (its keys are read in ledger_transfer_apply.sql and the combiner's queue)."""
        return {"scope": self.scope, "key": self.key, "hash": self.fingerprint, "from": str(self.from_account_id),
                "to": str(self.to_account_id), "amount": self.amount, "currency": self.currency,
                "description": self.description, "initiated_by": self.initiated_by, "owner": self.owner,
                "transaction_id": str(self.transaction_id), "body": self.body, "event": self.event,
                "refused_body": self.refused_body, "refused_event": self.refused_event,
                "counterparties": self.counterparties}


def transfer_order(principal: Principal, key: str, from_account_id: UUID, to_account_id: UUID, amount: int,
                   currency: str, description: str, counterparties: dict[str, Any] | None = None) -> TransferOrder:
    if from_account_id == to_account_id:
        raise SameAccount()
    scope = f"transfer:{principal.actor}"
    payload = {"from": str(from_account_id), "to": str(to_account_id), "amount": amount, "currency": currency,
               "description": description}
    transaction_id = uuid.uuid4()
    body = {
        "transaction_id": str(transaction_id),
        "type": "transfer",
        "status": "executed",
        "from_account_id": str(from_account_id),
        "to_account_id": str(to_account_id),
        "amount": money_json(amount, currency),
        "description": description,
        "created_at": "",
    }
    event_data = {**{k: v for k, v in body.items() if k not in ("amount", "status")},
                  "amount": from_minor(amount, currency), "currency": currency, "amount_minor": amount,
                  "initiated_by": principal.actor}
    refusal = InsufficientFunds(f"Available balance is below {from_minor(amount, currency)}")
    refused_data = {"from_account_id": str(from_account_id), "to_account_id": str(to_account_id),
                    "amount": from_minor(amount, currency), "currency": currency,
                    "reason": refusal.code, "detail": refusal.detail}
    return TransferOrder(
        scope=scope, key=key, fingerprint=fingerprint(scope, payload), from_account_id=from_account_id,
        to_account_id=to_account_id, amount=amount, currency=currency, description=description,
        initiated_by=principal.actor, owner=None if (principal.is_staff or principal.is_service) else principal.subject,
        transaction_id=transaction_id, body=body,
        event=new_event(PAYMENT_EXECUTED, SERVICE, str(from_account_id), event_data).to_dict(),
        refused_body=problem(refusal.status, refusal.code, refusal.title, refusal.detail),
        refused_event=new_event(PAYMENT_FAILED, SERVICE, str(from_account_id), refused_data).to_dict(),
        counterparties=counterparties,
    )


def transfer_result(order: TransferOrder, outcome: dict[str, Any]) -> IdempotentResult:
    """The answer to `order` from what the database decided (an error raises; a refusal is a stored answer)."""
    error = outcome.get("error")
    if error == "in_flight":
        raise IdempotencyRequestInFlight(headers={"Retry-After": "1"})
    if error == "idempotency_key_reused":
        raise IdempotencyKeyReused()
    if error == "account_not_found":
        raise AccountNotFound(f"No account {outcome['account_id']}")
    if error == "account_closed":
        raise AccountClosed(f"Account {outcome['account_id']} is closed")
    if error == "currency_mismatch":
        raise CurrencyMismatch(f"Both accounts must be in {order.currency}")
    if error == "balance_limit_exceeded":
        raise BalanceLimitExceeded(f"Account {outcome['account_id']} cannot receive this amount")
    if error is not None:
        raise RuntimeError(f"transfer not applied: {outcome}")
    if outcome["replayed"]:
        return IdempotentResult(outcome["status"], outcome["body"], replayed=True)
    if outcome["status"] == 201:
        count("TransfersExecuted")
        return IdempotentResult(201, {**order.body, "created_at": outcome["created_at"]}, replayed=False)
    count("TransfersRefused", reason=str(order.refused_body.get("code", "refused")))
    return IdempotentResult(outcome["status"], order.refused_body, replayed=False)
