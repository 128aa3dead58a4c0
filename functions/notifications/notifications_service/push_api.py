"""The signed-in user's web push subscriptions (a browser's `PushSubscription`) and the VAPID public key a browser
subscribes with. Scoped to the token's subject: nobody sees or deletes another user's subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from bank_shared.auth import UserPrincipal
from bank_shared.db import UnitOfWork
from notifications_service import push
from notifications_service.inbox_api import user_id_of

router = APIRouter(prefix="/push", tags=["notifications-push"])
Base64Url = r"^[A-Za-z0-9_-]+={0,2}$"


class VapidPublicKey(BaseModel):
    public_key: str = Field(description="The VAPID P-256 public key (uncompressed point, base64url): "
                                        "PushManager.subscribe's applicationServerKey")


class SubscriptionKeys(BaseModel):
    model_config = ConfigDict(extra="forbid")

    p256dh: str = Field(min_length=80, max_length=100, pattern=Base64Url,
                        description="The browser's P-256 public key (65 bytes, base64url)")
    auth: str = Field(min_length=16, max_length=32, pattern=Base64Url,
                      description="The browser's 16-byte auth secret (base64url)")


class SubscriptionRequest(BaseModel):
    """`PushSubscription.toJSON()` as a browser gives it."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(min_length=12, max_length=2048, pattern=r"^https?://\S+$",
                          description="The push service's URL for this browser (a known push service)")
    expirationTime: int | None = Field(default=None, description="Ignored: a gone subscription is removed when "
                                                                 "its push service answers 404/410")
    keys: SubscriptionKeys


class Subscription(BaseModel):
    id: UUID
    endpoint: str
    created_at: datetime


class Subscriptions(BaseModel):
    items: list[Subscription]


@router.get("/vapid-public-key", response_model=VapidPublicKey)
def vapid_public_key(_principal: UserPrincipal) -> VapidPublicKey:
    """The key a browser subscribes with (the private half never leaves the notifications service)."""
    return VapidPublicKey(public_key=push.vapid_public_key())


@router.post("/subscriptions", status_code=201, response_model=Subscription)
def subscribe(request: SubscriptionRequest, principal: UserPrincipal) -> dict[str, Any]:
    """Register this browser's subscription for the caller (the same endpoint again replaces its keys)."""
    with UnitOfWork() as uow:
        return push.subscribe(uow, user_id_of(principal), request.endpoint, request.keys.p256dh, request.keys.auth)


@router.get("/subscriptions", response_model=Subscriptions)
def list_subscriptions(principal: UserPrincipal) -> Subscriptions:
    """The caller's subscriptions, oldest first."""
    with UnitOfWork() as uow:
        items = push.list_subscriptions(uow, user_id_of(principal))
    return Subscriptions.model_validate({"items": items})


@router.delete("/subscriptions/{subscription_id}", status_code=204)
def unsubscribe(subscription_id: UUID, principal: UserPrincipal) -> Response:
    """Delete one of the caller's subscriptions (another's is reported as not found)."""
    with UnitOfWork() as uow:
        push.unsubscribe(uow, user_id_of(principal), subscription_id)
    return Response(status_code=204)
