"""The signed-in user's notification preferences: the language of their mails and inbox texts (the SPA's
language switch sets it) and, per kind of notice, which channels are on (security notices cannot be switched
off). Scoped to the token's subject: nobody reads or sets another user's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bank_shared.auth import UserPrincipal
from bank_shared.db import UnitOfWork
from notifications_service import service
from notifications_service.inbox_api import user_id_of

router = APIRouter(prefix="/preferences", tags=["notifications-preferences"])
Kind = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]


class Channels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: bool
    inbox: bool
    push: bool = Field(description="A web push to each of the user's browser subscriptions")


class ChannelsUpdate(BaseModel):
    """The channels of one kind to change; a channel not named keeps its choice."""

    model_config = ConfigDict(extra="forbid")

    email: bool | None = None
    inbox: bool | None = None
    push: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> ChannelsUpdate:
        if self.email is None and self.inbox is None and self.push is None:
            raise ValueError("name at least one channel")
        return self


class Preferences(BaseModel):
    user_id: UUID
    language: Literal["ru", "en"] = Field(description="Language of mails and inbox texts (ru until chosen)")
    channels: dict[str, Channels] = Field(description="Per kind of notice, which channels are on")
    security_kinds: list[str] = Field(description="Kinds that are always sent on every channel")
    updated_at: datetime | None


class PreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["ru", "en"] | None = None
    channels: dict[Kind, ChannelsUpdate] | None = Field(default=None, max_length=50,
                                                   description="Kinds to change; the others keep their choice")

    @model_validator(mode="after")
    def _something(self) -> PreferencesUpdate:
        if self.language is None and not self.channels:
            raise ValueError("give a language or channels")
        return self


@router.get("", response_model=Preferences)
def get_preferences(principal: UserPrincipal) -> dict[str, Any]:
    """The caller's preferences (every kind listed, with its channels)."""
    with UnitOfWork() as uow:
        return service.get_preferences(uow, user_id_of(principal))


@router.put("", response_model=Preferences)
def put_preferences(request: PreferencesUpdate, principal: UserPrincipal) -> dict[str, Any]:
    """Set the caller's language and/or channels per kind: the next mails and inbox entries follow them."""
    channels = {kind: switch.model_dump(exclude_none=True) for kind, switch in (request.channels or {}).items()}
    with UnitOfWork() as uow:
        return service.update_preferences(uow, user_id_of(principal), request.language, channels or None)
