"""Use cases of the notifications service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import NotFound, Unprocessable
from bank_shared.events.envelope import CloudEvent, new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import NOTIFICATION_REQUESTED
from bank_shared.observability import logger
from bank_shared.one_time_links import ACTIVATION, PASSWORD_RESET, REDACTED
from notifications_service import templates
from notifications_service.deliveries import deliver_mail, queue_mail
from notifications_service.repository import NotificationRepository, Preferences, PreferencesRepository
from notifications_service.settings import get_notifications_settings


class NotificationNotFound(NotFound):
    code, title = "notification_not_found", "Notification not found"


class InvalidNoticeParams(Unprocessable):
    code, title = "invalid_notice_params", "The parameters do not fit the notice"


def request_notice(uow: UnitOfWork, name: str, language: str, recipient: str, params: dict[str, str],
                   requested_by: str) -> UUID:
    """A named notice (templates.NOTICES) for `recipient`, composed here: callers never write the text."""
    try:
        mail = templates.notice(name, language, params)
    except templates.NoticeParamsInvalid as error:
        raise InvalidNoticeParams(str(error)) from None
    return request_notification(uow, "email", recipient, mail.subject, mail.body, requested_by)


def request_notification(uow: UnitOfWork, channel: str, recipient: str, subject: str, body: str,
                         requested_by: str) -> UUID:
    """Store the notification (queued) and announce it through the outbox: its consumer, or the schedule's sweep,
    delivers it (deliveries.py)."""
    notification_id = uuid.uuid4()
    NotificationRepository(uow.connection).add(notification_id, channel, recipient, subject, body, requested_by)
    record_event(uow, new_event(NOTIFICATION_REQUESTED, "notifications", str(notification_id),
                                {"notification_id": str(notification_id), "channel": channel}))
    return notification_id


def get_notification(uow: UnitOfWork, notification_id: UUID) -> dict[str, Any]:
    found = NotificationRepository(uow.connection).get(notification_id)
    if found is None:
        raise NotificationNotFound(f"No notification {notification_id}")
    return asdict(found)


def deliver_requested(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of notification.requested: the queued notification is sent once, after this commit (or by the
    schedule's sweep, whichever claims it first)."""
    notification_id = UUID(event.data["notification_id"])
    uow.after_commit(lambda: _deliver(notification_id))


def _deliver(notification_id: UUID) -> None:
    deliver_mail(notification_id)


LinkMail = Callable[[str, str, str, int, str], templates.Mail]


def _send_link_mail(uow: UnitOfWork, event: CloudEvent, purpose: str, compose: LinkMail) -> None:
    """A mail with a one-time link: the event names the link, and the queued mail carries it redacted with the
    link's purpose and id; the token is derived when the mail is sent (deliveries.py) and never stored."""
    data = event.data
    if not data.get("link_id"):
        # Events from before links were named by id carried the token itself; those links were revoked.
        logger.warning("one-time link event without a link id skipped", extra={"event_id": event.id})
        return
    base_url, full_name = get_notifications_settings().spa_base_url, str(data.get("full_name") or "")
    expires_in = int(data["expires_in"])
    language = user_language(uow, UUID(str(data["user_id"]))) if data.get("user_id") else templates.DEFAULT_LANGUAGE
    queue_mail(uow, str(data["email"]), compose(base_url, full_name, REDACTED, expires_in, language), event.source,
               (purpose, UUID(str(data["link_id"]))))


def send_activation_mail(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of user.registered: the one-time activation link to the SPA."""
    _send_link_mail(uow, event, ACTIVATION, templates.activation)


def send_password_reset_mail(uow: UnitOfWork, event: CloudEvent) -> None:
    """Consumer of user.password_reset_requested: the one-time reset link to the SPA, or for a customer created
    in the office (`welcome: true`) the welcome mail with the same kind of link, valid for days."""
    compose = templates.welcome if event.data.get("welcome") else templates.password_reset
    _send_link_mail(uow, event, PASSWORD_RESET, compose)


def is_history(when: datetime) -> bool:
    """An event older than `mail_max_event_age_hours` (a replay from the beginning of its topic): it is filed
    into the inbox as read and mailed to nobody."""
    return datetime.now(UTC) - when > timedelta(hours=get_notifications_settings().mail_max_event_age_hours)


SECURITY_KINDS = frozenset({"user_locked", "password_changed"})  # always mailed and filed, whatever is chosen
CHANNELS = ("email", "inbox", "push")


class UnknownNoticeKind(Unprocessable):
    code, title = "unknown_notice_kind", "There is no such kind of notice"


class SecurityNoticeRequired(Unprocessable):
    code, title = "security_notice_required", "Security notices cannot be switched off"


@dataclass(frozen=True)
class Delivery:
    """How one user gets one kind of notice: the language, and which channels are on."""

    language: templates.Language
    email: bool
    inbox: bool
    push: bool


def notice_kinds() -> list[str]:
    """The kinds a user may choose channels for: every inbox text (the link mails are not notices)."""
    return [kind for kind in templates.kinds("inbox") if kind not in templates.VARIANTS]


def _channels(stored: dict[str, Any] | None) -> dict[str, dict[str, bool]]:
    chosen = stored or {}
    return {kind: {channel: kind in SECURITY_KINDS or bool(chosen.get(kind, {}).get(channel, True))
                   for channel in CHANNELS} for kind in notice_kinds()}


def delivery(uow: UnitOfWork, user_id: UUID, kind: str) -> Delivery:
    row = PreferencesRepository(uow.connection).get(user_id)
    channels = _channels(row.channels if row else None).get(kind, dict.fromkeys(CHANNELS, True))
    return Delivery(templates.language_of(row.language if row else None), channels["email"], channels["inbox"],
                    channels["push"])


def user_language(uow: UnitOfWork, user_id: UUID) -> templates.Language:
    """The user's chosen language for mails and inbox texts (Russian until they choose)."""
    row = PreferencesRepository(uow.connection).get(user_id)
    return templates.language_of(row.language if row else None)


def _view(row: Preferences | None, user_id: UUID) -> dict[str, Any]:
    return {"user_id": user_id, "language": templates.language_of(row.language if row else None),
            "channels": _channels(row.channels if row else None),
            "security_kinds": sorted(SECURITY_KINDS), "updated_at": row.updated_at if row else None}


def get_preferences(uow: UnitOfWork, user_id: UUID) -> dict[str, Any]:
    return _view(PreferencesRepository(uow.connection).get(user_id), user_id)


def update_preferences(uow: UnitOfWork, user_id: UUID, language: str | None,
                       channels: dict[str, dict[str, bool]] | None) -> dict[str, Any]:
    """The language of the user's next mails and inbox entries, and per kind which channels are on (kinds not
    named keep their choice, and so do the channels not named of a kind named); security notices cannot be
    switched off."""
    for kind, switches in (channels or {}).items():
        if kind not in notice_kinds():
            raise UnknownNoticeKind(f"No notice kind {kind!r}; kinds: {', '.join(notice_kinds())}")
        if kind in SECURITY_KINDS and not all(switches.values()):
            raise SecurityNoticeRequired(f"{kind} is always sent on every channel")
    repository = PreferencesRepository(uow.connection)
    if channels:
        current = repository.get(user_id)
        stored = current.channels if current else {}
        channels = {kind: {**stored.get(kind, {}), **switches} for kind, switches in channels.items()}
    return _view(repository.update(user_id, language, channels), user_id)


def set_language(uow: UnitOfWork, user_id: UUID, language: str) -> dict[str, Any]:
    """The language of the user's next mails and inbox entries."""
    return update_preferences(uow, user_id, language, None)
