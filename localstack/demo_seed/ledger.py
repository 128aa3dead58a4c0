"""Demo data (idempotent): the opening balance of the demo customer's RUB account.

The accounts seed (which runs first) opens the demo customer's accounts and registers them in the ledger.
This seed learns the demo customer's id the same way (signing in through the gateway; no reading of
another service's database), finds that customer's RUB account in the ledger's own tables, and issues the
opening balance as an explicit issuance transaction from the `issuance:RUB` system account, under the
Idempotency-Key `seed-opening-<account id>`, so re-running it never issues twice.
"""

from __future__ import annotations

import sys

from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from demo_seed.common import SeedError, demo_customer_id, run
from ledger_service import service
from ledger_service.repository import LedgerRepository

OPENING_BALANCE_MINOR = 100_000_00
SEED_PRINCIPAL = Principal("seed", frozenset({"admin"}), frozenset(), {})


def main() -> int:
    owner = demo_customer_id()
    with UnitOfWork() as uow:
        account_id = LedgerRepository(uow.connection).first_account_of(owner, "RUB")
    if account_id is None:
        raise SeedError("the demo customer has no RUB account in the ledger (did the accounts seed run?)")
    with UnitOfWork() as uow:
        result = service.topup(uow, SEED_PRINCIPAL, f"seed-opening-{account_id}", account_id, OPENING_BALANCE_MINOR,
                               "RUB", description="Opening balance", kind="issuance")
    state = "found" if result.replayed else "issued"
    print(f"  ledger demo opening balance {result.body.get('amount')}: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "ledger"))
