"""HTTP routes of the notifications service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, EmailStr, Field

from bank_shared.app import create_app
from bank_shared.auth import ADMIN, EMPLOYEE, SERVICE, Principal, ServicePrincipal, require_roles
from bank_shared.db import UnitOfWork
from bank_shared.events.consumer import EventHandler
from bank_shared.events.topics import (
    FX_EXCHANGED,
    NOTIFICATION_REQUESTED,
    PAYMENT_EXECUTED,
    USER_PASSWORD_RESET_REQUESTED,
    USER_REGISTERED,
)
from notifications_service import inbox, notices, service, templates
from notifications_service.inbox_api import internal as inbox_internal
from notifications_service.inbox_api import router as inbox_router
from notifications_service.preferences_api import router as preferences_router
from notifications_service.push_api import router as push_router

router = APIRouter(tags=["notifications"])
Reader = Depends(require_roles(SERVICE, EMPLOYEE, ADMIN))
NoticeName = Literal["account_opened", "card_blocked"]  # = templates.NOTICES (a unit test keeps them equal)


class SendRequest(BaseModel):
    """A named notice: the bank's texts with the caller's parameters, never a free-form subject or body."""

    channel: Literal["email"] = "email"
    to: EmailStr
    template: NoticeName = Field(description="The notice to send: " + ", ".join(
        f"{name} ({', '.join(notice.params)})" for name, notice in templates.NOTICES.items()))
    language: Literal["ru", "en"] = "ru"
    params: dict[str, Annotated[str, Field(max_length=64)]] = Field(default_factory=dict, max_length=8)


class Queued(BaseModel):
    id: UUID
    status: Literal["queued"]


class Notification(BaseModel):
    id: UUID
    channel: str
    recipient: str
    subject: str
    status: str
    provider_message_id: str | None
    created_at: datetime
    sent_at: datetime | None


@router.post("/send", status_code=202, response_model=Queued)
def send(request: SendRequest, principal: ServicePrincipal) -> Queued:
    """Queue a named notice (services only); it is delivered asynchronously through Kafka, within the
    recipient's hourly cap."""
    with UnitOfWork() as uow:
        notification_id = service.request_notice(uow, request.template, request.language, str(request.to),
                                                 request.params, principal.subject)
    return Queued(id=notification_id, status="queued")


@router.get("/{notification_id}", response_model=Notification)
def get(notification_id: UUID, _principal: Principal = Reader) -> Notification:
    """A notification's delivery status."""
    with UnitOfWork() as uow:
        return Notification.model_validate(service.get_notification(uow, notification_id))


# The inbox's, preferences' and push's fixed paths come before `/{notification_id}`, which would claim `/inbox`.
app = create_app("notifications", routers=[inbox_internal, inbox_router, preferences_router, push_router, router],
                 description="E-mail and web-push notifications, and the users' in-app inbox.")
EVENT_HANDLERS: dict[str, EventHandler] = {
    NOTIFICATION_REQUESTED: service.deliver_requested,
    USER_REGISTERED: service.send_activation_mail,
    USER_PASSWORD_RESET_REQUESTED: service.send_password_reset_mail,
    PAYMENT_EXECUTED: inbox.record_payment,
    FX_EXCHANGED: inbox.record_exchange,
    **notices.HANDLERS,
}
