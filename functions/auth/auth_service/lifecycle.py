"""A user's lifecycle as the back office changes it (issue 15 items 3 and 4): block and unblock a customer,
deactivate and reactivate an employee, change an employee's roles.

A blocked customer and a deactivated employee are the same state, `disabled`: sign-in, refresh and the
password-reset link refuse them (the checks of auth_service.service), and every session they hold is revoked
at once, access tokens included. Office records who did it and why (its hash-chained audit log); auth records
the state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from auth_service.administration import set_roles
from auth_service.errors import UserNotFound
from auth_service.repository import RefreshTokenRepository, UserRepository
from auth_service.rows import User
from auth_service.service import _end_sessions, _public
from bank_shared.db import UnitOfWork
from bank_shared.errors import AppError, BadRequest, Conflict

BLOCKED = "disabled"
STAFF_ROLES = frozenset({"employee", "admin"})


class CustomerNotActivated(Conflict):
    code, title = "customer_not_activated", "The customer has not activated the account yet"


class EmployeeNotActivated(Conflict):
    code, title = "employee_not_activated", "The employee's account is not active yet"


class CannotDeactivateSelf(Conflict):
    code, title = "cannot_deactivate_self", "An employee cannot deactivate their own account"


def _is_customer(user: User) -> bool:
    return "customer" in user.roles


def _is_staff(user: User) -> bool:
    return bool(STAFF_ROLES & set(user.roles))


def _set_disabled(uow: UnitOfWork, user_id: UUID, disabled: bool, is_kind: Callable[[User], bool],
                  not_activated: type[AppError]) -> dict[str, Any]:
    """Disable (sessions revoked in this transaction, strictly: no commit while Redis is down) or enable a
    user of the kind; idempotent: disabling a disabled user changes nothing and revokes again."""
    users = UserRepository(uow.connection)
    user = users.get(user_id, for_update=True)
    if user is None or not is_kind(user):
        raise UserNotFound()
    if disabled:
        users.set_status(user_id, BLOCKED)
        _end_sessions(RefreshTokenRepository(uow.connection).revoke_user(user_id), strict=True)
    elif user.status == BLOCKED:
        users.set_status(user_id, "active")
    elif user.status != "active":
        raise not_activated()
    changed = users.get(user_id)
    assert changed is not None
    return _public(changed)


def set_customer_blocked(uow: UnitOfWork, user_id: UUID, blocked: bool) -> dict[str, Any]:
    """Block or unblock a customer."""
    return _set_disabled(uow, user_id, blocked, _is_customer, CustomerNotActivated)


def set_employee_active(uow: UnitOfWork, acting: UUID, user_id: UUID, active: bool) -> dict[str, Any]:
    """Deactivate (cannot sign in, every session ends now) or reactivate an employee or admin; nobody
    deactivates themselves (the back office would lock its last admin out)."""
    if not active and acting == user_id:
        raise CannotDeactivateSelf()
    return _set_disabled(uow, user_id, not active, _is_staff, EmployeeNotActivated)


def set_employee_roles(uow: UnitOfWork, acting: UUID, user_id: UUID, roles: Iterable[str]) -> dict[str, Any]:
    """Replace an employee's staff roles (employee, admin; an admin keeps their own admin role). Every
    session the employee holds ends now, so the new roles apply at once, not when the old tokens expire."""
    wanted = set(roles)
    user = UserRepository(uow.connection).get(user_id, for_update=True)
    if user is None or not _is_staff(user):
        raise UserNotFound()
    if not wanted or not wanted <= STAFF_ROLES:
        raise BadRequest(f"Staff roles are a non-empty subset of {sorted(STAFF_ROLES)}")
    changed = set_roles(uow, str(acting), user_id, wanted)
    if set(changed["roles"]) != set(user.roles):
        _end_sessions(RefreshTokenRepository(uow.connection).revoke_user(user_id), strict=True)
    return changed
