"""Auth's internal routes for the back office's employee administration (issue 15 item 4): office has
checked that the caller is an admin, records who did it and why, and names the acting admin in the body
so auth can apply its own rules (an admin keeps their own admin role and cannot deactivate themselves).

Registered on auth's `/internal` router by `add_staff_routes` (auth_service.api), with auth's `Profile`
as the answer."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from auth_service import lifecycle
from bank_shared.auth import ServicePrincipal
from bank_shared.db import UnitOfWork


class ActingRequest(BaseModel):
    acting_user_id: UUID = Field(description="The admin office acts for")


class StaffRolesRequest(ActingRequest):
    roles: list[Literal["employee", "admin"]] = Field(min_length=1, max_length=2)


def add_staff_routes(internal: APIRouter, profile: type[BaseModel]) -> None:
    @internal.post("/employees/{user_id}/roles", response_model=profile)
    def set_employee_roles(user_id: UUID, request: StaffRolesRequest, _service: ServicePrincipal) -> dict[str, Any]:
        """Replace an employee's roles for office; the employee's sessions end so the new roles apply now."""
        with UnitOfWork() as uow:
            return lifecycle.set_employee_roles(uow, request.acting_user_id, user_id, request.roles)

    @internal.post("/employees/{user_id}/deactivate", response_model=profile)
    def deactivate_employee(user_id: UUID, request: ActingRequest, _service: ServicePrincipal) -> dict[str, Any]:
        """Deactivate an employee for office: sign-in refused, every session revoked now."""
        with UnitOfWork() as uow:
            return lifecycle.set_employee_active(uow, request.acting_user_id, user_id, False)

    @internal.post("/employees/{user_id}/reactivate", response_model=profile)
    def reactivate_employee(user_id: UUID, request: ActingRequest, _service: ServicePrincipal) -> dict[str, Any]:
        """Reactivate a deactivated employee for office: they can sign in again."""
        with UnitOfWork() as uow:
            return lifecycle.set_employee_active(uow, request.acting_user_id, user_id, True)
