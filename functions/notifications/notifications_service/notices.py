"""Consumers that tell a customer what happened to their accounts, cards, payments, contracts and sign-in: an
inbox entry and a mail, both in the customer's language (templates.py, texts/<language>/).

Each consumer runs in the shared idempotent consumer (one transaction per event with its processed-event row),
so a redelivered or replayed event neither mails nor files twice; the inbox's unique (event, user, kind) key
makes the entry structural too. A replay from the beginning of a topic (the consumers start at TRIM_HORIZON)
files the history into the inbox with the events' own times, but mails only events younger than
`mail_max_event_age_hours`: nobody gets a mail today about an account opened last year.

| topic | recipient (from the event) | kind |
|---|---|---|
| account.opened | owner_id | account_opened |
| account.closed | owner_id (number asked from accounts) | account_closed |
| card.issued | owner_id | card_issued |
| payment.failed | owner of from_account_id / account_id (asked from accounts) | payment_failed |
| utility.paid | payer_id | utility_paid (a receipt: provider, payer code, amount) |
| contract.signed / activated / terminated | customer_id | contract_signed / _activated / _terminated |
| user.locked | user_id | user_locked (a security alert with what to do) |
| user.password_changed | user_id | password_changed |
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.events.envelope import CloudEvent
from bank_shared.events.topics import (
    ACCOUNT_CLOSED,
    ACCOUNT_OPENED,
    CARD_ISSUED,
    CONTRACT_ACTIVATED,
    CONTRACT_SIGNED,
    CONTRACT_TERMINATED,
    PAYMENT_FAILED,
    USER_LOCKED,
    USER_PASSWORD_CHANGED,
    UTILITY_PAID,
)
from bank_shared.observability import logger
from notifications_service import templates
from notifications_service.clients import accounts_directory, users_directory
from notifications_service.inbox import event_time
from notifications_service.push import push_notice
from notifications_service.repository import InboxRepository
from notifications_service.service import delivery, is_history, send_now


def notify(uow: UnitOfWork, event: CloudEvent, user_id: UUID, kind: str, values: dict[str, Any],
           details: dict[str, Any], when: datetime) -> None:
    """Push the notice, file the inbox entry and send the mail of `kind` to `user_id`, in their language, on the
    channels they keep on for `kind` (security notices always); an old (replayed) event is neither pushed nor
    mailed."""
    chosen = delivery(uow, user_id, kind)
    history = is_history(when)
    text = templates.inbox(chosen.language, kind, values)
    if chosen.push and not history:
        push_notice(uow, event, user_id, kind, text)
    if chosen.inbox:
        InboxRepository(uow.connection).add(uuid.uuid4(), user_id, kind, text.title, text.body, details, event.id,
                                            when, history=history)
    if not chosen.email:
        return
    if history:
        logger.info("no mail for an old event (replayed)", extra={"event_id": event.id, "kind": kind})
        return
    recipient = users_directory().recipient(user_id)
    if recipient is None:
        logger.warning("no mail: the user is unknown to auth", extra={"event_id": event.id, "kind": kind})
        return
    mail = templates.mail(chosen.language, kind, values)
    send_now(uow, recipient.email, mail, mail, event.source)


def _uuid(value: Any) -> UUID:
    return UUID(str(value))


def account_opened(uow: UnitOfWork, event: CloudEvent) -> None:
    data = event.data
    notify(uow, event, _uuid(data["owner_id"]), "account_opened",
           {"account_number": data["number"], "currency": data.get("currency") or ""},
           {"account_id": data["account_id"], "number": data["number"], "currency": data.get("currency"),
            "product_code": data.get("product_code")}, event_time(event.time))


def account_closed(uow: UnitOfWork, event: CloudEvent) -> None:
    data = event.data
    account_id = _uuid(data["account_id"])
    found = accounts_directory().owners([account_id]).get(account_id)
    number = found.number if found else ""
    notify(uow, event, _uuid(data["owner_id"]), "account_closed", {"account_number": number},
           {"account_id": str(account_id), "number": number}, event_time(event.time))


def card_issued(uow: UnitOfWork, event: CloudEvent) -> None:
    data = event.data
    notify(uow, event, _uuid(data["owner_id"]), "card_issued",
           {"card_last4": data["last4"], "expiry": data["expiry"]},
           {"card_id": data["card_id"], "account_id": data["account_id"], "last4": data["last4"],
            "expiry": data["expiry"]}, event_time(event.time))


def payment_failed(uow: UnitOfWork, event: CloudEvent) -> None:
    """The owner of the account the money was to leave (system accounts have no owner: nothing to tell)."""
    data = event.data
    source = data.get("from_account_id") or data.get("account_id")
    if not source:
        return
    account_id = _uuid(source)
    owner = accounts_directory().owners([account_id]).get(account_id)
    if owner is None:
        return
    amount, currency = data.get("amount"), str(data.get("currency") or "")
    notify(uow, event, owner.owner_id, "payment_failed",
           {"amount": str(amount) if amount is not None else "", "currency": currency,
            "reason": str(data.get("reason") or "")},
           {"account_id": str(account_id), "reason": data.get("reason"),
            "amount": {"amount": str(amount), "currency": currency} if amount is not None else None},
           event_time(event.time))


def utility_paid(uow: UnitOfWork, event: CloudEvent) -> None:
    """A receipt: the provider, the payer code and the amount."""
    data = event.data
    values = {"provider": data["provider_name"], "payer_code": data["payer_account"], "amount": data["amount"],
              "currency": data["currency"], "transaction_id": data["transaction_id"],
              "paid_at": data.get("paid_at") or ""}
    notify(uow, event, _uuid(data["payer_id"]), "utility_paid", values,
           {"payment_id": data["payment_id"], "provider_id": data["provider_id"], "provider": data["provider_name"],
            "payer_code": data["payer_account"], "amount": {"amount": str(data["amount"]),
                                                             "currency": data["currency"]},
            "transaction_id": data["transaction_id"], "account_id": data["from_account_id"]},
           event_time(data.get("paid_at"), event.time))


def _contract(kind: str) -> Callable[[UnitOfWork, CloudEvent], None]:
    def consume(uow: UnitOfWork, event: CloudEvent) -> None:
        data = event.data
        notify(uow, event, _uuid(data["customer_id"]), kind,
               {"number": data["number"], "reason": data.get("reason") or ""},
               {"contract_id": data["contract_id"], "number": data["number"]}, event_time(event.time))

    consume.__name__ = kind
    consume.__doc__ = f"Consumer of contract events: the {kind.replace('_', ' ')} notice."
    return consume


def user_locked(uow: UnitOfWork, event: CloudEvent) -> None:
    """A security alert: sign-in is locked for a while, and what to do if it was not the customer."""
    data = event.data
    notify(uow, event, _uuid(data["user_id"]), "user_locked",
           {"locked_for_seconds": int(data["locked_for_seconds"])},
           {"reason": data.get("reason"), "locked_for_seconds": int(data["locked_for_seconds"])},
           event_time(event.time))


def password_changed(uow: UnitOfWork, event: CloudEvent) -> None:
    data = event.data
    notify(uow, event, _uuid(data["user_id"]), "password_changed", {}, {"how": data.get("how")},
           event_time(data.get("changed_at"), event.time))


HANDLERS = {
    ACCOUNT_OPENED: account_opened,
    ACCOUNT_CLOSED: account_closed,
    CARD_ISSUED: card_issued,
    PAYMENT_FAILED: payment_failed,
    UTILITY_PAID: utility_paid,
    CONTRACT_SIGNED: _contract("contract_signed"),
    CONTRACT_ACTIVATED: _contract("contract_activated"),
    CONTRACT_TERMINATED: _contract("contract_terminated"),
    USER_LOCKED: user_locked,
    USER_PASSWORD_CHANGED: password_changed,
}
