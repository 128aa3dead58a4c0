"""1,200 concurrent transfers among a few accounts (two hot), with random Idempotency-Key replays.

Afterwards: the accounts' total is unchanged, no balance is below its limit, every key was applied exactly
once (one transaction per key, the same response on every replay), and every stored balance equals the
sum of its postings.
"""

from __future__ import annotations

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

from bank_shared.db import connect
from bank_shared.errors import IdempotencyRequestInFlight
from ledger_service import service
from tests.integration.ledger.support import assert_ledger_consistent, balances, customer, open_account

TRANSFERS = 1200
WORKERS = 8
REPLAY_RATE = 0.2


def test_concurrent_transfers_conserve_money_and_apply_each_key_once(ledger_url: str, connection: Any) -> None:
    rng = random.Random(4)
    owners = [uuid.uuid4() for _ in range(6)]
    accounts = [open_account(connection, owner, funded=50_000, overdraft_limit=10_000 if i == 5 else 0)
                for i, owner in enumerate(owners)]
    owner_of = dict(zip(accounts, owners, strict=True))
    hot = accounts[:2]
    before = balances(connection, accounts)

    requests: list[tuple[str, UUID, UUID, int]] = []
    for _ in range(TRANSFERS):
        if requests and rng.random() < REPLAY_RATE:
            requests.append(rng.choice(requests))  # the same key with the same body
            continue
        source = rng.choice(hot) if rng.random() < 0.6 else rng.choice(accounts)
        target = rng.choice([a for a in (hot if rng.random() < 0.6 else accounts) if a != source])
        requests.append((f"conc-{uuid.uuid4()}", source, target, rng.randint(1, 9_000)))

    results: dict[str, list[tuple[int, dict[str, Any], bool]]] = {}
    lock = threading.Lock()
    local = threading.local()

    def run(request: tuple[str, UUID, UUID, int]) -> None:
        key, source, target, amount = request
        if not hasattr(local, "connection"):
            local.connection = connect(ledger_url)
        while True:
            try:
                result = service.submit_transfer(local.connection, customer(owner_of[source]), key, source, target,
                                                  amount, "RUB")
                break
            except IdempotencyRequestInFlight:
                continue  # the first request with this key is still running: retry, as a client would
        with lock:
            results.setdefault(key, []).append((result.status, result.body, result.replayed))

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(run, requests))

    after = balances(connection, accounts)
    assert sum(row["balance"] for row in after.values()) == sum(row["balance"] for row in before.values())
    for row in after.values():
        assert row["balance"] - row["held"] >= -row["overdraft_limit"]

    expected = {account: before[account]["balance"] for account in accounts}
    executed = 0
    for key, outcomes in results.items():
        first_status, first_body, _ = outcomes[0]
        assert sum(1 for _, _, replayed in outcomes if not replayed) == 1, f"{key} applied more than once"
        assert all(body == first_body and status == first_status for status, body, _ in outcomes)
        if first_status == 201:
            executed += 1
            amount = int(first_body["amount"]["amount"].replace(".", ""))
            expected[UUID(first_body["from_account_id"])] -= amount
            expected[UUID(first_body["to_account_id"])] += amount
        else:
            assert first_body["code"] == "insufficient_funds"
    assert {account: after[account]["balance"] for account in accounts} == expected
    assert executed > TRANSFERS // 3
    stored = connection.execute(
        "SELECT count(DISTINCT p.transaction_id) AS n FROM postings p JOIN ledger_transactions t "
        "ON t.id = p.transaction_id WHERE t.kind = 'transfer' AND p.account_id = ANY(%s)", (accounts,)
    ).fetchone()
    connection.commit()
    assert stored is not None and stored["n"] == executed
    assert_ledger_consistent(connection)
