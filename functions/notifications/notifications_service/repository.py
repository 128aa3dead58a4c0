"""SQL for notifications."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from bank_shared.db import Connection


class NotificationRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, notification_id: UUID, channel: str, recipient: str, subject: str, body: str,
            requested_by: str) -> None:
        self.connection.execute(
            "INSERT INTO notifications (id, channel, recipient, subject, body, requested_by) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (notification_id, channel, recipient, subject, body, requested_by),
        )

    def get(self, notification_id: UUID) -> dict[str, Any] | None:
        return self.connection.execute(
            "SELECT id, channel, recipient, subject, status, requested_by, provider_message_id, created_at, sent_at "
            "FROM notifications WHERE id = %s",
            (notification_id,),
        ).fetchone()

    def lock_queued(self, notification_id: UUID) -> dict[str, Any] | None:
        return self.connection.execute(
            "SELECT id, channel, recipient, subject, body FROM notifications "
            "WHERE id = %s AND status = 'queued' FOR UPDATE",
            (notification_id,),
        ).fetchone()

    def mark_sent(self, notification_id: UUID, provider_message_id: str) -> None:
        self.connection.execute(
            "UPDATE notifications SET status = 'sent', provider_message_id = %s, sent_at = now() WHERE id = %s",
            (provider_message_id, notification_id),
        )
