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
from notifications_service.mailer import send_email
from notifications_service.repository import NotificationRepository


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
