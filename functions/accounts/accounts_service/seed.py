"""Demo data (idempotent): the demo customer's current accounts in RUB, USD and EUR.

How the demo customer's user id is found: auth gives users random ids and no service may read another's
database, so this seed signs in as the demo customer through the gateway (`POST /api/auth/login`, then
`GET /api/auth/me`) with the credentials the launcher generated. The accounts are opened through the
normal use case (Idempotency-Key `seed-demo-<currency>`, so re-running finds them), which registers each
one in the ledger by invoking the ledger's function as this service (the local Lambda Invoke API). The
ledger's seed then gives the RUB account its opening balance (an explicit issuance transaction). If auth
is not reachable the seed says so and changes nothing.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from accounts_service import service
from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_CURRENCIES = ("RUB", "USD", "EUR")


def local_stack() -> dict[str, Any]:
    stack_file = Path(os.environ.get("BANK_STACK_FILE", REPO_ROOT / ".local" / "stack.json"))
    return json.loads(stack_file.read_text()) if stack_file.is_file() else {}


def demo_customer() -> dict[str, str]:
    users: dict[str, dict[str, str]] = local_stack().get("demo_users", {})
    if not users:
        users = json.loads((REPO_ROOT / ".local" / "secrets.json").read_text())["demo_users"]
    return users["customer"]


def demo_customer_id() -> UUID | None:
    """The demo customer's user id, learned by signing in as them (None when auth cannot be reached)."""
    user = demo_customer()
    base = str(local_stack().get("gateway_url", "http://127.0.0.1:3000"))
    try:
        login = httpx.post(f"{base}/api/auth/login", json={"email": user["email"], "password": user["password"]},
                           timeout=10)
        if login.status_code != 200:
            print(f"  accounts seed: demo login answered {login.status_code}", flush=True)
            return None
        token = login.json()["access_token"]
        me = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        return UUID(me.json()["id"]) if me.status_code == 200 else None
    except httpx.HTTPError as error:
        print(f"  accounts seed: auth unreachable ({type(error).__name__})", flush=True)
        return None


def main() -> int:
    owner = demo_customer_id()
    if owner is None:
        print("  accounts seed: skipped (demo customer unknown)", flush=True)
        return 0
    principal = Principal(str(owner), frozenset({"customer"}), frozenset(), {})
    for currency in DEMO_CURRENCIES:
        with UnitOfWork() as uow:
            result = service.open_account(uow, principal, f"seed-demo-{currency}", "current", currency)
        state = "found" if result.replayed else "created"
        print(f"  accounts demo {currency} account {result.body['number']}: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
