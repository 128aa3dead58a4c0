"""What office's routers share: who may call (staff; admins), the Idempotency-Key, and the use cases wired to
the services office calls and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from bank_shared.auth import LiveAdminPrincipal, LiveStaffPrincipal
from bank_shared.idempotency import IdempotencyKey as IdempotencyKey  # office's routers take it from here
from office_service.clients import get_services
from office_service.repository import get_audit_log
from office_service.service import Office

# Staff act on customers' money and data: a token of a signed-out session is refused at once.
Staff = LiveStaffPrincipal
Admin = LiveAdminPrincipal


def office() -> Office:
    return Office(get_services(), get_audit_log())


OfficeDep = Annotated[Office, Depends(office)]
