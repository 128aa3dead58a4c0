"""Use cases of the notifications service."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import NotFound
from bank_shared.events.envelope import CloudEvent, new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import NOTIFICATION_REQUESTED
from notifications_service import templates
from notifications_service.mailer import send_email
from notifications_service.repository import NotificationRepository
from notifications_service.settings import get_notifications_settings


class NotificationNotFound(NotFound):
    code, title = "notification_not_found", "Notification not found"


def request_notification(uow: UnitOfWork, channel: str, recipient: str, subject: str, body: str,
                         requested_by: str) -> UUID:
    """Store the notification and queue its delivery through the outbox (delivered by the consumer)."""
    notification_id = uuid.uuid4()
    NotificationRepository(uow.connection).add(notification_id, channel, recipient, subject, body, requested_by)
    record_event(uow, new_event(NOTIFICATION_REQUESTED, "notifications", str(notification_id),
                                {"notification_id": str(notification_id), "channel": channel}))
    return notification_id


def get_notification(uow: UnitOfWork, notification_id: UUID) -> dict[str, Any]:
    found = NotificationRepository(uow.connection).get(notification_id)
    if found is None:
        raise NotificationNotFound(f"No notification {notification_id}")
    return found


def deliver_requested(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of notification.requested: sends a queued notification once."""
    repository = NotificationRepository(uow.connection)
    notification = repository.lock_queued(UUID(event.data["notification_id"]))
    if notification is None:
        return  # already delivered (or unknown): nothing to do
    message_id = send_email(notification["recipient"], notification["subject"], notification["body"])
    repository.mark_sent(notification["id"], message_id)


def _send_now(uow: UnitOfWork, recipient: str, mail: templates.Mail, requested_by: str) -> None:
    """Store and send in the consumer's transaction (its processed-event row makes it happen once)."""
    repository = NotificationRepository(uow.connection)
    notification_id = uuid.uuid4()
    repository.add(notification_id, "email", recipient, mail.subject, mail.body, requested_by)
    repository.mark_sent(notification_id, send_email(recipient, mail.subject, mail.body))


def send_activation_mail(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of user.registered: the one-time activation link to the SPA."""
    data = event.data
    mail = templates.activation(get_notifications_settings().spa_base_url, data.get("full_name", ""),
                                data["activation_token"], int(data.get("expires_in", 86_400)))
    _send_now(uow, data["email"], mail, event.source)


def send_password_reset_mail(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of user.password_reset_requested: the one-time reset link to the SPA."""
    data = event.data
    mail = templates.password_reset(get_notifications_settings().spa_base_url, data.get("full_name", ""),
                                    data["reset_token"], int(data.get("expires_in", 3_600)))
    _send_now(uow, data["email"], mail, event.source)
