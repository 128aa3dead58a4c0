"""Settings of the notifications service."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from bank_shared.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    sender_address: str = "no-reply@bank.local"
    spa_base_url: str = "http://127.0.0.1:3000"
    # The inbox consumer asks accounts whose accounts a payment touched.
    dependency_timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    # Mails one address receives in any hour at most (all kinds together); the rest are suppressed.
    mails_per_recipient_per_hour: int = Field(default=10, ge=1)
    # A replayed event older than this files its inbox entry but sends no mail (consumers start at the beginning).
    mail_max_event_age_hours: int = Field(default=72, ge=1)


@lru_cache(maxsize=1)
def get_notifications_settings() -> NotificationsSettings:
    return NotificationsSettings()
