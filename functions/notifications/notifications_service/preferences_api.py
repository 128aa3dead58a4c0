"""The signed-in user's notification preferences: the language of their mails and inbox texts (the SPA's
language switch sets it). Scoped to the token's subject: nobody reads or sets another user's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from bank_shared.auth import ADMIN, CUSTOMER, EMPLOYEE, Principal, require_roles
from bank_shared.db import UnitOfWork
from notifications_service import service
from notifications_service.inbox_api import user_id_of

router = APIRouter(prefix="/preferences", tags=["notifications-preferences"])
User = Annotated[Principal, Depends(require_roles(CUSTOMER, EMPLOYEE, ADMIN))]


class Preferences(BaseModel):
    user_id: UUID
    language: Literal["ru", "en"] = Field(description="Language of mails and inbox texts (ru until chosen)")
    updated_at: datetime | None


class PreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["ru", "en"]


@router.get("", response_model=Preferences)
def get_preferences(principal: User) -> dict[str, Any]:
    """The caller's preferences."""
    with UnitOfWork() as uow:
        return service.get_preferences(uow, user_id_of(principal))


@router.put("", response_model=Preferences)
def put_preferences(request: PreferencesUpdate, principal: User) -> dict[str, Any]:
    """Set the caller's language: their next mails and inbox entries are written in it."""
    with UnitOfWork() as uow:
        return service.set_language(uow, user_id_of(principal), request.language)
