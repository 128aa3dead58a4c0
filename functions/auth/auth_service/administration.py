"""Auth's administration use cases: staff roles, staff and customer accounts created by the back office, and the
paginated user search behind office's customer and employee lists."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from auth_service import passwords
from auth_service.errors import EmailTaken, UserNotFound
from auth_service.repository import UserRepository
from auth_service.service import SERVICE, USER_ROLES, _public, _send_password_link, normalise_email
from auth_service.tokens import new_opaque_token
from bank_shared.db import UnitOfWork
from bank_shared.errors import BadRequest, Conflict
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import USER_ACTIVATED
from bank_shared.one_time_links import LinkKey


class CannotDropOwnAdmin(Conflict):
    code, title = "cannot_remove_own_admin_role", "An admin cannot remove their own admin role"


def set_roles(uow: UnitOfWork, acting_subject: str, user_id: UUID, roles: Iterable[str]) -> dict[str, Any]:
    wanted = sorted(set(roles))
    if not wanted or not set(wanted) <= USER_ROLES:
        raise BadRequest(f"Roles must be a non-empty subset of {sorted(USER_ROLES)}")
    users = UserRepository(uow.connection)
    user = users.get(user_id, for_update=True)
    if user is None:
        raise UserNotFound()
    if str(user_id) == acting_subject and "admin" in user.roles and "admin" not in wanted:
        raise CannotDropOwnAdmin()
    users.set_roles(user_id, wanted)
    return _public(replace(user, roles=wanted))


def create_staff_user(uow: UnitOfWork, email: str, password: str, full_name: str, phone: str | None,
                      roles: Iterable[str]) -> dict[str, Any]:
    """An active back-office account created by an admin."""
    email = normalise_email(email)
    wanted = sorted(set(roles))
    if not wanted or not set(wanted) <= USER_ROLES:
        raise BadRequest(f"Roles must be a non-empty subset of {sorted(USER_ROLES)}")
    passwords.check_policy(password, email)
    user_id = uuid.uuid4()
    users = UserRepository(uow.connection)
    if not users.add(user_id, email, passwords.hash_password(password), full_name.strip(), phone, wanted, "active"):
        raise EmailTaken()
    created = users.get(user_id)
    assert created is not None
    return _public(created)


def create_customer(uow: UnitOfWork, links: LinkKey, email: str, full_name: str, phone: str | None) -> dict[str, Any]:
    """An active customer created by an employee (through office): no password is known to anyone; the
    customer chooses one through the one-time link of the password-reset mail sent now."""
    email = normalise_email(email)
    user_id = uuid.uuid4()
    users = UserRepository(uow.connection)
    unusable = passwords.hash_password(new_opaque_token())  # never disclosed: sign-in needs the mailed link
    if not users.add(user_id, email, unusable, full_name.strip(), phone, ["customer"], "active"):
        raise EmailTaken()
    created = users.get(user_id)
    assert created is not None
    _send_password_link(uow, links, created, welcome=True)
    record_event(uow, new_event(USER_ACTIVATED, SERVICE, str(user_id), {"user_id": str(user_id), "email": email}))
    return _public(created)


SEARCH_ROLES = {"customer": ("customer",), "staff": ("employee", "admin")}


def search_users(uow: UnitOfWork, kind: str, query: str | None, after: tuple[datetime, UUID] | None,
                 limit: int, also: Sequence[UUID] = (), *, role: str | None = None,
                 status: str | None = None) -> tuple[list[dict[str, Any]], tuple[datetime, UUID] | None]:
    """A page of customers or staff (newest first) and the position after its last row, if there is more;
    `role` (one of the kind's roles) and `status` narrow it."""
    roles = tuple(r for r in SEARCH_ROLES[kind] if role in (None, r))
    if not roles:
        return [], None
    rows = UserRepository(uow.connection).search(roles, (query or "").strip() or None, after,
                                                 limit + 1, also, status=status)
    more = len(rows) > limit
    rows = rows[:limit]
    return [_public(row) for row in rows], ((rows[-1].created_at, rows[-1].id) if more else None)
