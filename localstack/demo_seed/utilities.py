"""Reference data (idempotent): each utility provider's settlement account, registered in the ledger.

The providers themselves are reference data in migration 0001 (fixed ids, so every environment has the
same directory). Each has a ledger account id; this seed registers those accounts in the ledger through
its internal API (`POST /internal/accounts`, idempotent by account id), invoking the ledger's function as
this service, owned by the provider's id, in the provider's currency. Re-running finds them. If the ledger
cannot be reached, the seed fails.
"""

from __future__ import annotations

import sys

from bank_shared.db import UnitOfWork
from bank_shared.errors import DependencyUnavailable
from demo_seed.common import SeedError, run
from utilities_service.clients import HttpLedger
from utilities_service.repository import ProviderRepository


def main() -> int:
    with UnitOfWork() as uow:
        providers = ProviderRepository(uow.connection).all()
    ledger = HttpLedger()
    for provider in providers:
        try:
            answer = ledger.register_account(provider["ledger_account_id"], provider["id"], provider["currency"])
        except DependencyUnavailable as error:
            raise SeedError(f"the ledger is unreachable ({error.detail})") from error
        state = "registered" if answer.status in (200, 201) else f"refused ({answer.status} {answer.body.get('code')})"
        print(f"  utilities provider {provider['code']} settlement account: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "utilities"))
