"""Use cases of the in-app inbox: entries from money events, and the owner's reads.

Texts come from texts/<language>/inbox/ in each user's language (templates.py). Consumers (run by the shared
idempotent consumer, one transaction per event with its processed-event row):

* `payment.executed` (ledger; data: transaction_id, type, from_account_id, to_account_id, amount, currency,
  description, created_at): the payer gets "Перевод выполнен", the payee "Поступление"; one customer moving
  money between their own accounts gets one "Перевод между своими счетами" entry. Whose accounts they are
  is asked from accounts; system accounts (cash, issuance) have no owner and get nothing.
* `fx.exchanged` (fx; data: owner_id, quote_id, transaction_id, sell/buy amounts and currencies, rate,
  executed_at): the customer gets "Обмен валюты выполнен".

Reads always name the user: an entry that is not the caller's is reported as not found (no existence leak).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import NotFound
from bank_shared.events.consumer import TwoPhase
from bank_shared.events.envelope import CloudEvent
from bank_shared.pagination import decode_time_id, time_id_page
from bank_shared.timestamps import utc_text_or_none
from notifications_service import templates
from notifications_service.clients import AccountOwner, accounts_directory
from notifications_service.push import push_notice
from notifications_service.repository import InboxItem, InboxRepository
from notifications_service.service import delivery, is_history, user_language


class InboxItemNotFound(NotFound):
    code, title = "inbox_item_not_found", "Notification not found"


@dataclass(frozen=True)
class Entry:
    user_id: UUID
    kind: str
    text: templates.InboxText
    data: dict[str, Any]


def event_time(*candidates: Any) -> datetime:
    for value in candidates:
        if isinstance(value, str) and value:
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _store(uow: UnitOfWork, event: CloudEvent, entries: list[Entry], created_at: datetime) -> int:
    repository = InboxRepository(uow.connection)
    history = is_history(created_at)
    chosen = {(e.user_id, e.kind): delivery(uow, e.user_id, e.kind) for e in entries}  # the user's choice
    for entry in entries:
        if chosen[entry.user_id, entry.kind].push and not history:
            push_notice(uow, event, entry.user_id, entry.kind, entry.text)
    entries = [entry for entry in entries if chosen[entry.user_id, entry.kind].inbox]
    return sum(repository.add(uuid.uuid4(), entry.user_id, entry.kind, entry.text.title, entry.text.body,
                              entry.data, event.id, created_at, history=history) for entry in entries)


def payment_entries(data: dict[str, Any], owners: dict[UUID, AccountOwner],
                    languages: Callable[[UUID], str] = lambda _user: templates.DEFAULT_LANGUAGE) -> list[Entry]:
    """Who gets which entry for a payment, each in their language (`languages(user_id)`)."""
    source, target = UUID(str(data["from_account_id"])), UUID(str(data["to_account_id"]))
    payer, payee = owners.get(source), owners.get(target)
    amount, currency = str(data["amount"]), str(data["currency"])
    description, kind = str(data.get("description") or ""), str(data.get("type") or "transfer")
    common = {"transaction_id": data.get("transaction_id"), "type": kind,
              "amount": {"amount": amount, "currency": currency},
              "from_account_id": str(source), "to_account_id": str(target), "description": description}
    values = {"amount": amount, "currency": currency, "description": description,
              "from_number": payer.number if payer else "", "to_number": payee.number if payee else ""}
    if payer and payee and payer.owner_id == payee.owner_id:
        return [Entry(payer.owner_id, "own_transfer",
                      templates.inbox(languages(payer.owner_id), "own_transfer", values), common)]
    entries = []
    if payer:
        entries.append(Entry(payer.owner_id, "payment_sent",
                             templates.inbox(languages(payer.owner_id), "payment_sent", values),
                             {**common, "account_id": str(source)}))
    if payee:
        template = "payment_received" if kind == "transfer" else "payment_topup"  # top-up, incoming, opening
        entries.append(Entry(payee.owner_id, "payment_received",
                             templates.inbox(languages(payee.owner_id), template, values),
                             {**common, "account_id": str(target)}))
    return entries


def _payment_owners(event: CloudEvent) -> dict[UUID, AccountOwner]:
    """The look-up phase of payment.executed: who owns the two accounts (asked before the transaction)."""
    data = event.data
    return accounts_directory().owners([UUID(str(data["from_account_id"])), UUID(str(data["to_account_id"]))])


def _record_payment(uow: UnitOfWork, event: CloudEvent, owners: dict[UUID, AccountOwner]) -> None:
    data = event.data
    entries = payment_entries(data, owners, lambda user: user_language(uow, user))
    _store(uow, event, entries, event_time(data.get("created_at"), event.time))


record_payment = TwoPhase(_payment_owners, _record_payment)  # the consumer of payment.executed


def record_exchange(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of fx.exchanged."""
    data = event.data
    owner = UUID(str(data["owner_id"]))
    text = templates.inbox(user_language(uow, owner), "fx_exchanged", {
        "sell_amount": str(data["sell_amount"]), "sell_currency": str(data["sell_currency"]),
        "buy_amount": str(data["buy_amount"]), "buy_currency": str(data["buy_currency"]), "rate": str(data["rate"])})
    details = {"quote_id": data.get("quote_id"), "transaction_id": data.get("transaction_id"),
               "sell": {"amount": str(data["sell_amount"]), "currency": str(data["sell_currency"])},
               "buy": {"amount": str(data["buy_amount"]), "currency": str(data["buy_currency"])},
               "rate": str(data["rate"]), "from_account_id": data.get("from_account_id"),
               "to_account_id": data.get("to_account_id")}
    entry = Entry(owner, "fx_exchanged", text, details)
    _store(uow, event, [entry], event_time(data.get("executed_at"), event.time))


# reads --------------------------------------------------------------------------------------------------------

def item_view(row: InboxItem) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "data": row.data,
        "read": row.read_at is not None,
        "created_at": utc_text_or_none(row.created_at),
        "read_at": utc_text_or_none(row.read_at),
    }


def list_inbox(uow: UnitOfWork, user_id: UUID, limit: int, cursor: str | None, unread_only: bool) -> dict[str, Any]:
    rows = InboxRepository(uow.connection).page(user_id, limit + 1, decode_time_id(cursor), unread_only)
    items, more = rows[:limit], len(rows) > limit
    last = items[-1] if items else None
    return time_id_page([item_view(row) for row in items], limit,
                        (last.created_at, last.id) if more and last else None)


def mark_read(uow: UnitOfWork, user_id: UUID, item_id: UUID) -> dict[str, Any]:
    row = InboxRepository(uow.connection).mark_read(user_id, item_id)
    if row is None:
        raise InboxItemNotFound(f"No notification {item_id}")
    return item_view(row)


def unread_count(uow: UnitOfWork, user_id: UUID) -> int:
    return InboxRepository(uow.connection).unread_count(user_id)
