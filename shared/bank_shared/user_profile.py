"""A user's profile and the requests that create users, on the wire: shared by auth (which keeps the users:
its `Profile`, `StaffRequest`) and office (which shows and creates them for employees, relaying to auth's
internal routes: its `UserProfile`, the same requests). Each profile adds its own fields after `UserFields`, in
the order its API has them."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, EmailStr, Field, SecretStr

from bank_shared.phones import Phone

StaffRole = Literal["employee", "admin"]


class UserFields(BaseModel):
    id: UUID
    email: str
    full_name: str
    phone: str | None
    status: str
    roles: list[str]


class NewCustomerRequest(BaseModel):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None


class NewEmployeeRequest(BaseModel):
    email: EmailStr
    password: SecretStr = Field(max_length=256)
    full_name: str = Field(min_length=1, max_length=200)
    phone: Phone | None = None
    roles: list[StaffRole] = Field(default_factory=lambda: list[StaffRole](["employee"]), min_length=1)
