"""HTTP routes of the in-app inbox (behind the JWT authorizer).

Signed-in users read their own inbox only: every query is scoped to the token's subject, and another user's
entry id answers 404 like an unknown one. Services (the customer dashboard) read a user's unread count
through the service-only internal route.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from bank_shared.auth import Principal, ServicePrincipal, UserPrincipal
from bank_shared.db import UnitOfWork
from bank_shared.errors import Forbidden
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from notifications_service import inbox

router = APIRouter(prefix="/inbox", tags=["notifications-inbox"])
internal = APIRouter(prefix="/internal", tags=["notifications-internal"])


class InboxItem(BaseModel):
    id: UUID
    kind: str = Field(description="payment_sent, payment_received, own_transfer or fx_exchanged")
    title: str = Field(examples=["Поступление"])
    body: str = Field(examples=["Зачислено 120,25 RUB на счёт ••0042."])
    data: dict[str, Any] = Field(description="The operation: transaction_id, amounts as decimal strings, accounts")
    read: bool
    created_at: datetime
    read_at: datetime | None


class InboxPage(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None


class UnreadCount(BaseModel):
    unread: int


class UserUnreadCount(UnreadCount):
    user_id: UUID


def user_id_of(principal: Principal) -> UUID:
    try:
        return UUID(principal.subject)
    except ValueError:
        raise Forbidden("Only users have an inbox") from None


@router.get("", response_model=InboxPage)
def list_inbox(
    principal: UserPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    unread_only: bool = False,
) -> dict[str, Any]:
    """The caller's in-app notifications, newest first (cursor pagination)."""
    with UnitOfWork() as uow:
        return inbox.list_inbox(uow, user_id_of(principal), limit, cursor, unread_only)


@router.get("/unread-count", response_model=UnreadCount)
def unread_count(principal: UserPrincipal) -> UnreadCount:
    """How many of the caller's notifications are unread."""
    with UnitOfWork() as uow:
        return UnreadCount(unread=inbox.unread_count(uow, user_id_of(principal)))


@router.post("/{item_id}/read", response_model=InboxItem)
def mark_read(item_id: UUID, principal: UserPrincipal) -> dict[str, Any]:
    """Mark one of the caller's notifications read (idempotent: the first read time is kept)."""
    with UnitOfWork() as uow:
        return inbox.mark_read(uow, user_id_of(principal), item_id)


@internal.get("/unread-count", response_model=UserUnreadCount)
def user_unread_count(_principal: ServicePrincipal, user_id: UUID) -> UserUnreadCount:
    """A user's unread count, for other services (service role only)."""
    with UnitOfWork() as uow:
        return UserUnreadCount(user_id=user_id, unread=inbox.unread_count(uow, user_id))
