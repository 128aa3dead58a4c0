"""A user's profile on the wire, shared by auth (which keeps the users: its `Profile`) and office (which shows
them to employees: its `UserProfile`). Each adds its own fields after these, in the order its API has them."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel


class UserFields(BaseModel):
    id: UUID
    email: str
    full_name: str
    phone: str | None
    status: str
    roles: list[str]
