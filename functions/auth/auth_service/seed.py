"""Demo data for the local stack (idempotent): the demo admin, employee and active customer with the
passwords the launcher generated, and one OAuth2 client per service whose secret lives in Secrets Manager
(`bank/<stage>/clients/<service>`). LocalStack forgets secrets when it restarts, so a missing or stale
client secret is regenerated. Run by `localstack/seed.py` with the auth function's environment.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import uuid
from pathlib import Path
from typing import Any

from auth_service import passwords
from auth_service.repository import ClientRepository, UserRepository
from bank_shared.aws import client
from bank_shared.db import UnitOfWork
from bank_shared.migrations import SERVICES
from bank_shared.settings import get_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_ROLES = {"admin": ["admin", "employee"], "employee": ["employee"], "customer": ["customer"]}
DEMO_NAMES = {"admin": "Demo Admin", "employee": "Demo Employee", "customer": "Demo Customer"}
# P2P by phone needs a recipient with a known phone; this number is the demo customer's alone.
DEMO_PHONES = {"customer": "+7 900 555-01-01"}


def demo_users() -> dict[str, dict[str, str]]:
    stack_file = Path(os.environ.get("BANK_STACK_FILE", REPO_ROOT / ".local" / "stack.json"))
    if stack_file.is_file():
        users: dict[str, dict[str, str]] = json.loads(stack_file.read_text()).get("demo_users", {})
        if users:
            return users
    secrets_file = REPO_ROOT / ".local" / "secrets.json"
    fallback: dict[str, dict[str, str]] = json.loads(secrets_file.read_text())["demo_users"]
    return fallback


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
        users.set_phone_if_missing(found["id"], DEMO_PHONES[key])
    if not passwords.verify_password(found["password_hash"], entry["password"]):
        users.set_password(found["id"], passwords.hash_password(entry["password"]))
    users.set_roles(found["id"], roles)
    users.set_status(found["id"], "active")
    users.clear_lock(found["id"])
    return "ok"


def client_secret_id(service: str) -> str:
    settings = get_settings()
    stage = "local" if settings.is_local else settings.app_env
    return f"bank/{stage}/clients/{service}"


def _stored_secret(secret_id: str) -> dict[str, Any] | None:
    sm = client("secretsmanager")
    try:
        value: dict[str, Any] = json.loads(sm.get_secret_value(SecretId=secret_id)["SecretString"])
    except sm.exceptions.ResourceNotFoundException:
        return None
    return value


def _put_secret(secret_id: str, value: dict[str, str]) -> None:
    sm = client("secretsmanager")
    body = json.dumps(value)
    try:
        sm.put_secret_value(SecretId=secret_id, SecretString=body)
    except sm.exceptions.ResourceNotFoundException:
        sm.create_secret(Name=secret_id, SecretString=body, Description="OAuth2 client credentials")


def ensure_client(uow: UnitOfWork, service: str) -> str:
    """Keep a working secret; otherwise generate one, store its argon2 hash here and the secret in SM."""
    clients = ClientRepository(uow.connection)
    secret_id = client_secret_id(service)
    stored = _stored_secret(secret_id)
    row = clients.get(service)
    if stored and row and stored.get("client_id") == service and \
            passwords.verify_password(row["secret_hash"], str(stored.get("client_secret", ""))):
        return "ok"
    client_secret = secrets.token_urlsafe(32)
    clients.upsert(service, passwords.hash_password(client_secret), ["service"])
    _put_secret(secret_id, {"client_id": service, "client_secret": client_secret})
    return "generated"


def main() -> int:
    with UnitOfWork() as uow:
        for key, entry in demo_users().items():
            print(f"  auth demo user {entry['email']}: {ensure_user(uow, key, entry)}", flush=True)
    for service in SERVICES:
        with UnitOfWork() as uow:
            print(f"  auth client {service}: {ensure_client(uow, service)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
