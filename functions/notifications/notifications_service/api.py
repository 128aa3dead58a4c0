"""HTTP routes of the notifications service."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, EmailStr, Field

from bank_shared.app import create_app
from bank_shared.auth import ADMIN, EMPLOYEE, SERVICE, Principal, require_roles
from bank_shared.db import UnitOfWork
from bank_shared.events.topics import (
    FX_EXCHANGED,
    NOTIFICATION_REQUESTED,
    PAYMENT_EXECUTED,
    USER_PASSWORD_RESET_REQUESTED,
    USER_REGISTERED,
)
from notifications_service import inbox, service
from notifications_service.inbox_api import internal as inbox_internal
from notifications_service.inbox_api import router as inbox_router

router = APIRouter(tags=["notifications"])
Sender = Depends(require_roles(SERVICE, EMPLOYEE, ADMIN))


class SendRequest(BaseModel):
    channel: Literal["email"] = "email"
    to: EmailStr
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


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
def send(request: SendRequest, principal: Principal = Sender) -> Queued:
    """Queue a notification; it is delivered asynchronously through Kafka."""
    with UnitOfWork() as uow:
        notification_id = service.request_notification(
            uow, request.channel, str(request.to), request.subject, request.body, principal.subject
        )
    return Queued(id=notification_id, status="queued")


@router.get("/{notification_id}", response_model=Notification)
def get(notification_id: UUID, _principal: Principal = Sender) -> Notification:
    """A notification's delivery status."""
    with UnitOfWork() as uow:
        return Notification.model_validate(service.get_notification(uow, notification_id))


# The inbox's fixed paths come before `/{notification_id}`, which would otherwise claim `/inbox`.
app = create_app("notifications", routers=[inbox_internal, inbox_router, router],
                 description="E-mail and web-push notifications, and the users' in-app inbox.")
EVENT_HANDLERS = {
    NOTIFICATION_REQUESTED: service.deliver_requested,
    USER_REGISTERED: service.send_activation_mail,
    USER_PASSWORD_RESET_REQUESTED: service.send_password_reset_mail,
    PAYMENT_EXECUTED: inbox.record_payment,
    FX_EXCHANGED: inbox.record_exchange,
}
