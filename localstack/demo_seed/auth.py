"""Demo data for the local stack (idempotent): the demo admin, employee and active customer with the
passwords the launcher generated. Run by `localstack/seed.py` with the auth function's environment.

Services need no OAuth2 clients: they invoke each other's functions directly (docs/service-to-service.md).
`POST /token` (client credentials) serves external clients registered in `oauth_clients`; the per-service
clients earlier versions of this seed created are disabled, so no stale service credential stays usable.
"""

from __future__ import annotations

import sys
import uuid

from auth_service import passwords
from auth_service.repository import ClientRepository, UserRepository
from bank_shared.db import UnitOfWork
from bank_shared.tools.registry import service_names
from demo_seed.common import demo_users, run

DEMO_ROLES = {"admin": ["admin", "employee"], "employee": ["employee"], "customer": ["customer"]}
DEMO_NAMES = {"admin": "Demo Admin", "employee": "Demo Employee", "customer": "Demo Customer"}
# P2P by phone needs a recipient with a known phone; this number is the demo customer's alone.
DEMO_PHONES = {"customer": "+7 900 555-01-01"}


def ensure_user(uow: UnitOfWork, key: str, entry: dict[str, str]) -> str:
    users = UserRepository(uow.connection)
    email = entry["email"].strip().lower()
    roles = DEMO_ROLES.get(entry.get("role", key), ["customer"])
    found = users.by_email(email, for_update=True)
    if found is None:
        users.add(uuid.uuid4(), email, passwords.hash_password(entry["password"]), DEMO_NAMES.get(key, key),
                  DEMO_PHONES.get(key), roles, "active")
        return "created"
    if key in DEMO_PHONES:
        users.set_phone_if_missing(found.id, DEMO_PHONES[key])
    if not passwords.verify_password(found.password_hash, entry["password"]):
        users.set_password(found.id, passwords.hash_password(entry["password"]))
    users.set_roles(found.id, roles)
    users.set_status(found.id, "active")
    users.clear_lock(found.id)
    return "ok"


def main() -> int:
    with UnitOfWork() as uow:
        for key, entry in demo_users().items():
            print(f"  auth demo user {entry['email']}: {ensure_user(uow, key, entry)}", flush=True)
        disabled = ClientRepository(uow.connection).disable(service_names())
    if disabled:
        print(f"  auth: {disabled} per-service OAuth2 clients of earlier versions disabled", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "auth"))
