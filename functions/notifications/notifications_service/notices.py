"""Consumers that tell a customer what happened to their accounts, cards, payments, contracts and sign-in: an
inbox entry and a mail, both in the customer's language (templates.py, texts/<language>/).

Each consumer runs in the shared idempotent consumer as a two-phase handler: the look-up (no transaction open)
asks accounts and auth what the notice needs (an account's owner and number, the recipient's address), the
apply (one transaction per event with its processed-event row) files the entry and queues the mail and the
pushes, which go out after the commit (deliveries.py). So a redelivered or replayed event neither mails nor
files twice; the inbox's unique (event, user, kind) key
makes the entry structural too. A replay from the beginning of a topic (the consumers start at TRIM_HORIZON)
files the history into the inbox with the events' own times, but mails only events younger than
`mail_max_event_age_hours`: nobody gets a mail today about an account opened last year.

| topic | recipient (from the event) | kind |
|---|---|---|
| account.opened | owner_id | account_opened |
| account.closed | owner_id (number asked from accounts) | account_closed |
| card.issued | owner_id | card_issued |
| card_topup.refunded | owner_id | card_topup_refunded (the amount, why, the card's last four digits) |
| payment.failed | owner of from_account_id / account_id (asked from accounts) | payment_failed |
| utility.paid | payer_id | utility_paid (a receipt: provider, payer code, amount) |
| contract.signed / activated / terminated | customer_id | contract_signed / _activated / _terminated |
| user.locked | user_id | user_locked (a security alert with what to do) |
| user.password_changed | user_id | password_changed |
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.events.consumer import TwoPhase
from bank_shared.events.envelope import CloudEvent
from bank_shared.events.topics import (
    ACCOUNT_CLOSED,
    ACCOUNT_OPENED,
    CARD_ISSUED,
    CARD_TOPUP_REFUNDED,
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
from notifications_service.clients import AccountOwner, Recipient, accounts_directory, users_directory
from notifications_service.deliveries import queue_mail
from notifications_service.inbox import event_time
from notifications_service.push import push_notice
from notifications_service.repository import InboxRepository
from notifications_service.service import delivery, is_history


@dataclass(frozen=True)
class Notice:
    """What one event tells one user: the kind, the texts' values, the inbox entry's details, and when."""

    user_id: UUID
    kind: str
    values: dict[str, Any]
    details: dict[str, Any]
    when: datetime


@dataclass(frozen=True)
class Found:
    """The look-up phase's answer: the notice (None: nobody to tell) and its mail's recipient (None: unknown to
    auth, or no mail for an old event)."""

    notice: Notice | None
    recipient: Recipient | None


Owners = dict[UUID, AccountOwner]
Compose = Callable[[CloudEvent, Owners], Notice | None]


def notify(uow: UnitOfWork, event: CloudEvent, notice: Notice, recipient: Recipient | None) -> None:
    """Queue the push, file the inbox entry and queue the mail of the notice's kind to its user, in their
    language, on the channels they keep on for the kind (security notices always); an old (replayed) event is
    neither pushed nor mailed."""
    user_id, kind, values = notice.user_id, notice.kind, notice.values
    chosen = delivery(uow, user_id, kind)
    history = is_history(notice.when)
    text = templates.inbox(chosen.language, kind, values)
    if chosen.push and not history:
        push_notice(uow, event, user_id, kind, text)
    if chosen.inbox:
        InboxRepository(uow.connection).add(uuid.uuid4(), user_id, kind, text.title, text.body, notice.details,
                                            event.id, notice.when, history=history)
    if not chosen.email:
        return
    if history:
        logger.info("no mail for an old event (replayed)", extra={"event_id": event.id, "kind": kind})
        return
    if recipient is None:
        logger.warning("no mail: the user is unknown to auth", extra={"event_id": event.id, "kind": kind})
        return
    queue_mail(uow, recipient.email, templates.mail(chosen.language, kind, values), event.source)


def _no_accounts(_event: CloudEvent) -> list[UUID]:
    return []


def consumer(compose: Compose, accounts: Callable[[CloudEvent], list[UUID]] = _no_accounts) -> TwoPhase[Found]:
    """A notice consumer: the look-up asks accounts for the `accounts` the event names and auth for the
    recipient of the composed notice; the apply files, queues and mails nothing else."""

    def look_up(event: CloudEvent) -> Found:
        ids = accounts(event)
        notice = compose(event, accounts_directory().owners(ids) if ids else {})
        if notice is None or is_history(notice.when):
            return Found(notice, None)
        return Found(notice, users_directory().recipient(notice.user_id))

    def apply(uow: UnitOfWork, event: CloudEvent, found: Found) -> None:
        if found.notice is not None:
            notify(uow, event, found.notice, found.recipient)

    return TwoPhase(look_up, apply)


def _uuid(value: Any) -> UUID:
    return UUID(str(value))


def _account_opened(event: CloudEvent, _owners: Owners) -> Notice:
    data = event.data
    return Notice(_uuid(data["owner_id"]), "account_opened",
                  {"account_number": data["number"], "currency": data.get("currency") or ""},
                  {"account_id": data["account_id"], "number": data["number"], "currency": data.get("currency"),
                   "product_code": data.get("product_code")}, event_time(event.time))


def _closed_account(event: CloudEvent) -> list[UUID]:
    return [_uuid(event.data["account_id"])]


def _account_closed(event: CloudEvent, owners: Owners) -> Notice:
    data = event.data
    account_id = _uuid(data["account_id"])
    found = owners.get(account_id)
    number = found.number if found else ""
    return Notice(_uuid(data["owner_id"]), "account_closed", {"account_number": number},
                  {"account_id": str(account_id), "number": number}, event_time(event.time))


def _card_issued(event: CloudEvent, _owners: Owners) -> Notice:
    data = event.data
    return Notice(_uuid(data["owner_id"]), "card_issued", {"card_last4": data["last4"], "expiry": data["expiry"]},
                  {"card_id": data["card_id"], "account_id": data["account_id"], "last4": data["last4"],
                   "expiry": data["expiry"]}, event_time(event.time))


def _card_topup_refunded(event: CloudEvent, _owners: Owners) -> Notice:
    """A card top-up the ledger refused, returned to the card: the amount, why, and the card's last four."""
    data = event.data
    values = {"amount": data["amount"], "currency": data["currency"], "reason": data.get("reason") or "",
              "card_last4": data.get("card_last4") or ""}
    return Notice(_uuid(data["owner_id"]), "card_topup_refunded", values,
                  {"topup_id": data["topup_id"], "account_id": data["account_id"],
                   "amount": {"amount": str(data["amount"]), "currency": data["currency"]},
                   "reason": data.get("reason"), "card_last4": data.get("card_last4")}, event_time(event.time))


def _failed_source(event: CloudEvent) -> list[UUID]:
    source = event.data.get("from_account_id") or event.data.get("account_id")
    return [_uuid(source)] if source else []


def _payment_failed(event: CloudEvent, owners: Owners) -> Notice | None:
    """The owner of the account the money was to leave (system accounts have no owner: nothing to tell)."""
    data = event.data
    source = _failed_source(event)
    owner = owners.get(source[0]) if source else None
    if owner is None:
        return None
    amount, currency = data.get("amount"), str(data.get("currency") or "")
    return Notice(owner.owner_id, "payment_failed",
                  {"amount": str(amount) if amount is not None else "", "currency": currency,
                   "reason": str(data.get("reason") or "")},
                  {"account_id": str(owner.account_id), "reason": data.get("reason"),
                   "amount": {"amount": str(amount), "currency": currency} if amount is not None else None},
                  event_time(event.time))


def _utility_paid(event: CloudEvent, _owners: Owners) -> Notice:
    """A receipt: the provider, the payer code and the amount."""
    data = event.data
    values = {"provider": data["provider_name"], "payer_code": data["payer_account"], "amount": data["amount"],
              "currency": data["currency"], "transaction_id": data["transaction_id"],
              "paid_at": data.get("paid_at") or ""}
    return Notice(_uuid(data["payer_id"]), "utility_paid", values,
                  {"payment_id": data["payment_id"], "provider_id": data["provider_id"],
                   "provider": data["provider_name"], "payer_code": data["payer_account"],
                   "amount": {"amount": str(data["amount"]), "currency": data["currency"]},
                   "transaction_id": data["transaction_id"], "account_id": data["from_account_id"]},
                  event_time(data.get("paid_at"), event.time))


def _contract(kind: str) -> Compose:
    def compose(event: CloudEvent, _owners: Owners) -> Notice:
        data = event.data
        return Notice(_uuid(data["customer_id"]), kind, {"number": data["number"], "reason": data.get("reason") or ""},
                      {"contract_id": data["contract_id"], "number": data["number"]}, event_time(event.time))

    return compose


def _user_locked(event: CloudEvent, _owners: Owners) -> Notice:
    """A security alert: sign-in is locked for a while, and what to do if it was not the customer."""
    data = event.data
    return Notice(_uuid(data["user_id"]), "user_locked", {"locked_for_seconds": int(data["locked_for_seconds"])},
                  {"reason": data.get("reason"), "locked_for_seconds": int(data["locked_for_seconds"])},
                  event_time(event.time))


def _password_changed(event: CloudEvent, _owners: Owners) -> Notice:
    data = event.data
    return Notice(_uuid(data["user_id"]), "password_changed", {}, {"how": data.get("how")},
                  event_time(data.get("changed_at"), event.time))


account_opened = consumer(_account_opened)
account_closed = consumer(_account_closed, _closed_account)
card_issued = consumer(_card_issued)
card_topup_refunded = consumer(_card_topup_refunded)
payment_failed = consumer(_payment_failed, _failed_source)
utility_paid = consumer(_utility_paid)
user_locked = consumer(_user_locked)
password_changed = consumer(_password_changed)

HANDLERS: dict[str, TwoPhase[Found]] = {
    ACCOUNT_OPENED: account_opened,
    ACCOUNT_CLOSED: account_closed,
    CARD_ISSUED: card_issued,
    CARD_TOPUP_REFUNDED: card_topup_refunded,
    PAYMENT_FAILED: payment_failed,
    UTILITY_PAID: utility_paid,
    CONTRACT_SIGNED: consumer(_contract("contract_signed")),
    CONTRACT_ACTIVATED: consumer(_contract("contract_activated")),
    CONTRACT_TERMINATED: consumer(_contract("contract_terminated")),
    USER_LOCKED: user_locked,
    USER_PASSWORD_CHANGED: password_changed,
}
