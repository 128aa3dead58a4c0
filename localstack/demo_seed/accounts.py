"""Demo data (idempotent): the demo customer's current accounts in RUB, USD and EUR.

How the demo customer's user id is found: auth gives users random ids and no service may read another's
database, so this seed signs in as the demo customer through the gateway (`POST /api/auth/login`, then
`GET /api/auth/me`) with the credentials the launcher generated. The accounts are opened through the
normal use case (Idempotency-Key `seed-demo-<currency>`, so re-running finds them), which registers each
one in the ledger by invoking the ledger's function as this service (the local Lambda Invoke API). The
ledger's seed then gives the RUB account its opening balance (an explicit issuance transaction). If auth
or the ledger is not ready in time the seed fails (demo_seed/common.py).
"""

from __future__ import annotations

import sys
from functools import partial

from accounts_service import service
from bank_shared.auth import Principal
from demo_seed.common import demo_customer_id, run, until_ready

DEMO_CURRENCIES = ("RUB", "USD", "EUR")


def main() -> int:
    owner = demo_customer_id()
    principal = Principal(str(owner), frozenset({"customer"}), frozenset(), {})
    for currency in DEMO_CURRENCIES:
        open_it = partial(service.open_account, principal, f"seed-demo-{currency}", "current", currency)
        result = until_ready(open_it, f"opening the demo {currency} account")
        state = "found" if result.replayed else "created"
        print(f"  accounts demo {currency} account {result.body['number']}: {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "accounts"))
