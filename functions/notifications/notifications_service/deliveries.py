"""The delivery queue: mails (and pushes, push.py) leave the consumer's transaction as rows and go out after it.

A consumer's `apply` queues a mail as a `notifications` row (status `queued`) in its processed-event
transaction, so a retried consumer never queues twice, and registers its delivery to run after the commit:
**claim** (a short transaction: the row locked, the recipient's hourly cap checked, status `sending`),
**send** (SES, no transaction open), **mark** (`sent` with the SES message id). A send that fails puts the row
back to `queued`; the schedule's sweep (`sweep_deliveries`) takes rows left `queued` and rows claimed longer
than `delivery_retry_after_seconds` ago and never marked (the sender was lost between send and mark).

Delivery is at least once: the row's id is the delivery's idempotency key, and a retry sends the same row, so
a crash between the send and the mark can repeat that same mail but never sends a different one or a second
queued copy. A link mail's row keeps the body with the link redacted and names the link (purpose, link id); the
token is derived again at send time (`bank_shared.one_time_links`) and exists only in memory.
"""

from __future__ import annotations

import uuid
from uuid import UUID

from botocore.exceptions import BotoCoreError, ClientError

from bank_shared.db import UnitOfWork
from bank_shared.observability import logger
from bank_shared.one_time_links import REDACTED, link_token
from notifications_service import push, templates
from notifications_service.mailer import send_email
from notifications_service.repository import NotificationRepository, UnsentMail
from notifications_service.settings import get_notifications_settings


def queue_mail(uow: UnitOfWork, recipient: str, mail: templates.Mail, requested_by: str,
               link: tuple[str, UUID] | None = None) -> UUID:
    """Queue `mail` (without secrets: a link mail has its link redacted and `link` names it) in the caller's
    transaction; it is sent after the commit."""
    notification_id = uuid.uuid4()
    NotificationRepository(uow.connection).add(notification_id, "email", recipient, mail.subject, mail.body,
                                               requested_by, link)
    uow.after_commit(lambda: _after_commit(notification_id))
    return notification_id


def _after_commit(notification_id: UUID) -> None:
    deliver_mail(notification_id)


def _within_recipient_cap(repository: NotificationRepository, recipient: str, notification_id: UUID) -> bool:
    """At most `mails_per_recipient_per_hour` mails reach one address in any hour, whatever asked for them
    (a flood of reset requests, a misbehaving service); the rest are kept as `suppressed`, never sent."""
    cap = get_notifications_settings().mails_per_recipient_per_hour
    if repository.sent_within_hour(recipient, notification_id) < cap:
        return True
    logger.warning("mail suppressed: the recipient's hourly cap is reached", extra={"cap": cap})
    return False


def _claim(notification_id: UUID) -> UnsentMail | None:
    with UnitOfWork() as uow:
        repository = NotificationRepository(uow.connection)
        row = repository.lock_unsent(notification_id, get_notifications_settings().delivery_retry_after_seconds)
        if row is None:
            return None
        if not _within_recipient_cap(repository, row.recipient, notification_id):
            repository.mark_suppressed(notification_id)
            return None
        repository.mark_sending(notification_id)
        return row


def _body(row: UnsentMail) -> str:
    """The body to send: a link mail's redacted link gets its token back (derived, never stored)."""
    if row.link_purpose and row.link_id:
        return row.body.replace(REDACTED, link_token(row.link_purpose, row.link_id))
    return row.body


def deliver_mail(notification_id: UUID) -> str:
    """Claim, send and mark one mail; the outcome: sent, failed (queued again), or skipped (not queued,
    being sent by another sender, or suppressed by the recipient's cap)."""
    row = _claim(notification_id)
    if row is None:
        return "skipped"
    try:
        message_id = send_email(row.recipient, row.subject, _body(row))
    except (BotoCoreError, ClientError):
        logger.exception("mail not sent: queued again for the sweep", extra={"notification_id": str(notification_id)})
        with UnitOfWork() as uow:
            NotificationRepository(uow.connection).release(notification_id)
        return "failed"
    with UnitOfWork() as uow:
        NotificationRepository(uow.connection).mark_sent(notification_id, message_id)
    return "sent"


def sweep_deliveries() -> dict[str, int]:
    """The schedule's task: mails and pushes left behind by a lost after-commit step, sent now."""
    settings = get_notifications_settings()
    with UnitOfWork() as uow:
        mails = NotificationRepository(uow.connection).unsent(settings.delivery_retry_after_seconds,
                                                              settings.delivery_sweep_limit)
    outcomes = [deliver_mail(notification_id) for notification_id in mails]
    pushed = push.sweep_pushes()
    return {"mails_sent": outcomes.count("sent"), "mails_failed": outcomes.count("failed"), "pushes_sent": pushed}
