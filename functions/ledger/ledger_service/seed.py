"""Demo data (idempotent): the opening balance of the demo customer's RUB account.

The accounts seed (which runs first) opens the demo customer's accounts and registers them in the ledger.
This seed learns the demo customer's id the same way (signing in through the gateway; no reading of
another service's database), finds that customer's RUB account in the ledger's own tables, and issues the
opening balance as an explicit issuance transaction from the `issuance:RUB` system account, under the
Idempotency-Key `seed-opening-<account id>`, so re-running it never issues twice.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from uuid import UUID

import httpx

from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from ledger_service import service
from ledger_service.repository import LedgerRepository

REPO_ROOT = Path(__file__).resolve().parents[3]

OPENING_BALANCE_MINOR = 100_000_00
SEED_PRINCIPAL = Principal("seed", frozenset({"admin"}), frozenset(), {})


def _demo_customer_id() -> UUID | None:
    """Sign in as the demo customer through the gateway and ask auth who that is (None if unreachable)."""
    stack_file = Path(os.environ.get("BANK_STACK_FILE", REPO_ROOT / ".local" / "stack.json"))
    local_stack = json.loads(stack_file.read_text()) if stack_file.is_file() else {}
    users = local_stack.get("demo_users", {})
    if not users:
        users = json.loads((REPO_ROOT / ".local" / "secrets.json").read_text())["demo_users"]
    user, base = users["customer"], str(local_stack.get("gateway_url", "http://127.0.0.1:3000"))
    try:
        login = httpx.post(f"{base}/api/auth/login", json={"email": user["email"], "password": user["password"]},
                           timeout=10)
        if login.status_code != 200:
            return None
        me = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                       timeout=10)
        return UUID(me.json()["id"]) if me.status_code == 200 else None
    except httpx.HTTPError:
        return None


def main() -> int:
    owner = _demo_customer_id()
    if owner is None:
        print("  ledger seed: skipped (demo customer unknown)", flush=True)
        return 0
    with UnitOfWork() as uow:
        account_id = LedgerRepository(uow.connection).first_account_of(owner, "RUB")
    if account_id is None:
        print("  ledger seed: the demo customer has no RUB account yet (accounts seed not run?)", flush=True)
        return 0
    with UnitOfWork() as uow:
        result = service.topup(uow, SEED_PRINCIPAL, f"seed-opening-{account_id}", account_id, OPENING_BALANCE_MINOR,
                               "RUB", description="Opening balance", kind="issuance")
    state = "found" if result.replayed else "issued"
    print(f"  ledger demo opening balance {result.body.get('amount')}: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
