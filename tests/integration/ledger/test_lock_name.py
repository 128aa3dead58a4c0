"""The ledger's SQL transfer function and the shared Idempotency-Key helper must lock the same name for
the same (scope, key): a request in flight through one must be seen as in flight by the other."""

from __future__ import annotations

import uuid

import pytest

from bank_shared.db import connect
from bank_shared.errors import IdempotencyRequestInFlight
from bank_shared.idempotency import lock_name
from ledger_service import service
from tests.integration.ledger.support import customer, open_account


def test_transfer_function_honours_the_shared_lock_name(ledger_url: str) -> None:
    owner = uuid.uuid4()
    setup = connect(ledger_url)
    source = open_account(setup, owner, funded=10_000)
    target = open_account(setup, owner)
    key = f"lock-name-{uuid.uuid4()}"
    holder, caller = connect(ledger_url), connect(ledger_url)
    try:
        with holder.transaction():
            # Exactly what run_idempotent takes while its request is in flight.
            holder.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                           (lock_name(f"transfer:{owner}", key),))
            with pytest.raises(IdempotencyRequestInFlight):
                service.submit_transfer(caller, customer(owner), key, source, target, 100, "RUB")
        result = service.submit_transfer(caller, customer(owner), key, source, target, 100, "RUB")
        assert result.status == 201 and not result.replayed
    finally:
        for connection in (setup, holder, caller):
            connection.close()
