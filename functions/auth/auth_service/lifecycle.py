"""A customer's lifecycle as the back office changes it (issue 15 item 3): block and unblock.

A blocked customer's status is `disabled`: sign-in, refresh and the password-reset link refuse them (the
checks of auth_service.service), and every session they hold is revoked at once, access tokens included.
Office records who blocked them and why (its hash-chained audit log); auth records the state.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from auth_service.errors import UserNotFound
from auth_service.repository import RefreshTokenRepository, UserRepository
from auth_service.service import _end_sessions, _public
from bank_shared.db import UnitOfWork
from bank_shared.errors import Conflict

BLOCKED = "disabled"


class CustomerNotActivated(Conflict):
    code, title = "customer_not_activated", "The customer has not activated the account yet"


def set_customer_blocked(uow: UnitOfWork, user_id: UUID, blocked: bool) -> dict[str, Any]:
    """Block (sessions revoked in this transaction, strictly: no commit while Redis is down) or unblock a
    customer; idempotent: blocking a blocked customer changes nothing and revokes again."""
    users = UserRepository(uow.connection)
    user = users.get(user_id, for_update=True)
    if user is None or "customer" not in user["roles"]:
        raise UserNotFound()
    if blocked:
        users.set_status(user_id, BLOCKED)
        _end_sessions(RefreshTokenRepository(uow.connection).revoke_user(user_id), strict=True)
    elif user["status"] == BLOCKED:
        users.set_status(user_id, "active")
    elif user["status"] != "active":
        raise CustomerNotActivated()
    changed = users.get(user_id)
    assert changed is not None
    return _public(changed)
