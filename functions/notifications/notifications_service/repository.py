"""SQL for notifications and the in-app inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bank_shared.db import Repository, jsonb
from bank_shared.rows import row_as, row_or_none, rows_as
from bank_shared.sql_filters import Filter


@dataclass(frozen=True)
class Notification:
    """What is shown of a mail (its body never: a link mail's body had its link)."""

    id: UUID
    channel: str
    recipient: str
    subject: str
    status: str
    requested_by: str
    provider_message_id: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class UnsentMail:
    """A mail claimed for sending; a link mail's body has its link redacted and names it (purpose, link id)."""

    id: UUID
    recipient: str
    subject: str
    body: str
    link_purpose: str | None
    link_id: UUID | None


@dataclass(frozen=True)
class InboxItem:
    """A row of inbox_items (migration 0002)."""

    id: UUID
    user_id: UUID
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    source_event_id: str
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class Preferences:
    """A row of user_preferences (migrations 0005, 0006)."""

    user_id: UUID
    language: str
    channels: dict[str, dict[str, bool]]
    updated_at: datetime


@dataclass(frozen=True)
class PushSubscription:
    """A row of push_subscriptions (migration 0007)."""

    id: UUID
    user_id: UUID
    endpoint: str
    p256dh: str
    auth: str
    created_at: datetime


@dataclass(frozen=True)
class ClaimedPush:
    """A queued push claimed for sending, with the subscription it goes to."""

    id: UUID
    endpoint: str
    p256dh: str
    auth: str
    payload: str | None  # None only in rows queued before migration 0008


class NotificationRepository(Repository):
    def add(self, notification_id: UUID, channel: str, recipient: str, subject: str, body: str,
            requested_by: str, link: tuple[str, UUID] | None = None) -> None:
        """Queue a mail; a link mail's `body` has the link redacted and `link` names it (purpose, link id)."""
        purpose, link_id = link or (None, None)
        self.connection.execute(
            "INSERT INTO notifications (id, channel, recipient, subject, body, requested_by, link_purpose, link_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (notification_id, channel, recipient, subject, body, requested_by, purpose, link_id),
        )

    def get(self, notification_id: UUID) -> Notification | None:
        return row_or_none(Notification, self.connection.execute(
            "SELECT id, channel, recipient, subject, status, requested_by, provider_message_id, created_at, sent_at "
            "FROM notifications WHERE id = %s",
            (notification_id,),
        ).fetchone())

    def lock_unsent(self, notification_id: UUID, retry_after_seconds: int) -> UnsentMail | None:
        """The mail if it is queued, or was claimed longer than `retry_after_seconds` ago and never marked (its
        sender was lost between the claim and the mark), locked for this transaction."""
        return row_or_none(UnsentMail, self.connection.execute(
            "SELECT id, recipient, subject, body, link_purpose, link_id FROM notifications WHERE id = %s "
            "AND (status = 'queued' OR (status = 'sending' AND claimed_at < now() - make_interval(secs => %s))) "
            "FOR UPDATE",
            (notification_id, retry_after_seconds),
        ).fetchone())

    def mark_sending(self, notification_id: UUID) -> None:
        self.connection.execute(
            "UPDATE notifications SET status = 'sending', claimed_at = now(), attempts = attempts + 1 WHERE id = %s",
            (notification_id,),
        )

    def release(self, notification_id: UUID) -> None:
        """The send failed: queued again for the next attempt (the schedule's sweep)."""
        self.connection.execute(
            "UPDATE notifications SET status = 'queued' WHERE id = %s AND status = 'sending'", (notification_id,)
        )

    def unsent(self, retry_after_seconds: int, limit: int) -> list[UUID]:
        """Mails left queued, or claimed and never marked for longer than `retry_after_seconds`, oldest first."""
        rows = self.connection.execute(
            "SELECT id FROM notifications WHERE status = 'queued' "
            "OR (status = 'sending' AND claimed_at < now() - make_interval(secs => %s)) ORDER BY created_at LIMIT %s",
            (retry_after_seconds, limit),
        ).fetchall()
        return [row["id"] for row in rows]

    def sent_within_hour(self, recipient: str, excluding: UUID) -> int:
        """Mails sent (or being sent) to `recipient` in the last hour other than `excluding`; serialised per
        recipient for this transaction, so two senders cannot both take the last place under the cap."""
        self.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ("mail-cap|" + recipient,))
        row = self.connection.execute(
            "SELECT count(*) AS n FROM notifications WHERE recipient = %s AND id <> %s "
            "AND ((status = 'sent' AND sent_at > now() - interval '1 hour') "
            "OR (status = 'sending' AND claimed_at > now() - interval '1 hour'))",
            (recipient, excluding),
        ).fetchone()
        return int(row["n"]) if row else 0

    def mark_suppressed(self, notification_id: UUID) -> None:
        self.connection.execute("UPDATE notifications SET status = 'suppressed' WHERE id = %s", (notification_id,))

    def mark_sent(self, notification_id: UUID, provider_message_id: str) -> None:
        self.connection.execute(
            "UPDATE notifications SET status = 'sent', provider_message_id = %s, sent_at = now() "
            "WHERE id = %s AND status = 'sending'",
            (provider_message_id, notification_id),
        )


class InboxRepository(Repository):
    """The in-app inbox. Every read and write names the user: an entry is only ever reached through its owner."""

    def add(self, item_id: UUID, user_id: UUID, kind: str, title: str, body: str, data: dict[str, Any],
            source_event_id: str, created_at: datetime, *, history: bool = False) -> bool:
        """False when this event already gave this user this kind of entry. A `history` entry (a replayed old
        event) is filed as read: a replay does not flood the unread count."""
        row = self.connection.execute(
            "INSERT INTO inbox_items (id, user_id, kind, title, body, data, source_event_id, created_at, read_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, CASE WHEN %s THEN now() END) "
            "ON CONFLICT (source_event_id, user_id, kind) DO NOTHING RETURNING id",
            (item_id, user_id, kind, title, body, jsonb(data), source_event_id, created_at, history),
        ).fetchone()
        return row is not None

    def page(self, user_id: UUID, limit: int, after: tuple[datetime, UUID] | None,
             unread_only: bool) -> list[InboxItem]:
        """Newest first; `after` is the (created_at, id) of the last entry of the previous page."""
        where = Filter().equals("user_id", user_id).after(("created_at", "id"), after)
        if unread_only:
            where.where("read_at IS NULL")
        return rows_as(InboxItem, self.connection.execute(
            *where.page("SELECT * FROM inbox_items", ("created_at", "id"), limit)).fetchall())

    def mark_read(self, user_id: UUID, item_id: UUID) -> InboxItem | None:
        """The entry after marking it read (the first read time is kept); None when it is not this user's."""
        return row_or_none(InboxItem, self.connection.execute(
            "UPDATE inbox_items SET read_at = coalesce(read_at, now()) WHERE id = %s AND user_id = %s RETURNING *",
            (item_id, user_id),
        ).fetchone())

    def unread_count(self, user_id: UUID) -> int:
        row = self.connection.execute(
            "SELECT count(*) AS n FROM inbox_items WHERE user_id = %s AND read_at IS NULL", (user_id,)
        ).fetchone()
        return int(row["n"]) if row else 0


class PreferencesRepository(Repository):
    """Each user's language for mails and inbox texts, and the channels they turned off per kind (no row: the
    defaults, Russian and everything on)."""

    def get(self, user_id: UUID) -> Preferences | None:
        return row_or_none(Preferences, self.connection.execute(
            "SELECT user_id, language, channels, updated_at FROM user_preferences WHERE user_id = %s", (user_id,)
        ).fetchone())

    def update(self, user_id: UUID, language: str | None, channels: dict[str, dict[str, bool]] | None
               ) -> Preferences:
        """Set what is given (the language; the channels of the kinds named, merged into the stored ones)."""
        row = self.connection.execute(
            "INSERT INTO user_preferences (user_id, language, channels) VALUES (%s, coalesce(%s, 'ru'), %s) "
            "ON CONFLICT (user_id) DO UPDATE SET language = coalesce(%s, user_preferences.language), "
            "channels = user_preferences.channels || EXCLUDED.channels, updated_at = now() "
            "RETURNING user_id, language, channels, updated_at",
            (user_id, language, jsonb(channels or {}), language),
        ).fetchone()
        assert row is not None
        return row_as(Preferences, row)


class PushRepository(Repository):
    """Web push subscriptions (every read and write names the user) and the pushes made per event."""

    COLUMNS = "id, user_id, endpoint, p256dh, auth, created_at"

    def save(self, subscription_id: UUID, user_id: UUID, endpoint: str, p256dh: str,
             auth: str) -> PushSubscription:
        """The subscription of `endpoint` (one browser's): a browser that subscribes again, or for another user
        signed in on it, replaces its keys and owner."""
        row = self.connection.execute(
            "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, "
            f"auth = EXCLUDED.auth RETURNING {self.COLUMNS}",
            (subscription_id, user_id, endpoint, p256dh, auth),
        ).fetchone()
        assert row is not None
        return row_as(PushSubscription, row)

    def of_user(self, user_id: UUID) -> list[PushSubscription]:
        return rows_as(PushSubscription, self.connection.execute(
            f"SELECT {self.COLUMNS} FROM push_subscriptions WHERE user_id = %s ORDER BY created_at, id", (user_id,)
        ).fetchall())

    def count_other(self, user_id: UUID, endpoint: str) -> int:
        """The user's subscriptions other than `endpoint` (serialised per user for this transaction)."""
        self.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"push|{user_id}",))
        row = self.connection.execute(
            "SELECT count(*) AS n FROM push_subscriptions WHERE user_id = %s AND endpoint <> %s", (user_id, endpoint)
        ).fetchone()
        return int(row["n"]) if row else 0

    def delete(self, user_id: UUID, subscription_id: UUID) -> bool:
        row = self.connection.execute(
            "DELETE FROM push_subscriptions WHERE id = %s AND user_id = %s RETURNING id", (subscription_id, user_id)
        ).fetchone()
        return row is not None

    def remove_gone(self, subscription_id: UUID) -> None:
        """The push service answered 404/410: the subscription expired or was revoked."""
        self.connection.execute("DELETE FROM push_subscriptions WHERE id = %s", (subscription_id,))

    def queue(self, source_event_id: str, subscription_id: UUID, kind: str, payload: str) -> bool:
        """False when this event already queued this kind for this subscription."""
        row = self.connection.execute(
            "INSERT INTO push_deliveries (source_event_id, subscription_id, kind, status, payload) "
            "VALUES (%s, %s, %s, 'queued', %s) ON CONFLICT DO NOTHING RETURNING kind",
            (source_event_id, subscription_id, kind, payload),
        ).fetchone()
        return row is not None

    def claim(self, source_event_id: str, subscription_id: UUID, kind: str,
              retry_after_seconds: int) -> ClaimedPush | None:
        """The queued push (or one claimed longer ago than `retry_after_seconds` and never marked) with its
        subscription, now claimed; None when another sender has it or it is done."""
        return row_or_none(ClaimedPush, self.connection.execute(
            "UPDATE push_deliveries d SET status = 'sending', claimed_at = now() FROM push_subscriptions s "
            "WHERE d.source_event_id = %s AND d.subscription_id = %s AND d.kind = %s AND s.id = d.subscription_id "
            "AND (d.status = 'queued' OR (d.status = 'sending' AND d.claimed_at < now() - make_interval(secs => %s))) "
            "RETURNING s.id, s.endpoint, s.p256dh, s.auth, d.payload",
            (source_event_id, subscription_id, kind, retry_after_seconds),
        ).fetchone())

    def unsent(self, retry_after_seconds: int, limit: int) -> list[tuple[str, UUID, str]]:
        rows = self.connection.execute(
            "SELECT source_event_id, subscription_id, kind FROM push_deliveries WHERE status = 'queued' "
            "OR (status = 'sending' AND claimed_at < now() - make_interval(secs => %s)) ORDER BY created_at LIMIT %s",
            (retry_after_seconds, limit),
        ).fetchall()
        return [(row["source_event_id"], row["subscription_id"], row["kind"]) for row in rows]

    def mark(self, source_event_id: str, subscription_id: UUID, kind: str, status: str) -> None:
        self.connection.execute(
            "UPDATE push_deliveries SET status = %s WHERE source_event_id = %s AND subscription_id = %s "
            "AND kind = %s", (status, source_event_id, subscription_id, kind))
