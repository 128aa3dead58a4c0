"""The transfer path of POST /transfer (`service.submit_transfer`): one statement per uncontended transfer,
and the per-account combiner that applies contended transfers of a hot account in one database transaction.

Same invariants as test_concurrency (money conserved, limits kept, each key applied exactly once, stored
balances = postings), plus: a contended batch really commits as one database transaction, each transfer
still with its own ledger transaction, key and event; refusals and errors reach their own caller; a leader
whose session dies mid-batch leaves nothing half-applied and a waiter takes over.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any
from uuid import UUID

import pytest

from bank_shared.db import Connection, connect
from bank_shared.errors import IdempotencyRequestInFlight
from bank_shared.idempotency import IdempotentResult
from ledger_service import service
from tests.integration.ledger.support import ADMIN, assert_ledger_consistent, balances, customer, open_account
from tests.support.stack import REPO_ROOT

TRANSFERS = 1200
WORKERS = 8


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _queued(connection: Connection, account: UUID) -> int:
    row = connection.execute(
        "SELECT count(*) AS n FROM ledger_transfer_queue WHERE account_id = %s AND outcome IS NULL", (account,)
    ).fetchone()
    return int(row["n"]) if row else 0


def _lock_account(ledger_url: str, account: UUID) -> Connection:
    """A connection holding `account`'s row lock in an open transaction, so transfers touching it queue up."""
    blocker = connect(ledger_url)
    blocker.execute("BEGIN")
    blocker.execute("SELECT id FROM ledger_accounts WHERE id = %s FOR UPDATE", (account,))
    return blocker


def test_concurrent_submitted_transfers_with_hot_accounts(ledger_url: str, connection: Connection) -> None:
    rng = random.Random(7)
    owners = [uuid.uuid4() for _ in range(6)]
    accounts = [open_account(connection, owner, funded=50_000, overdraft_limit=10_000 if i == 5 else 0)
                for i, owner in enumerate(owners)]
    owner_of = dict(zip(accounts, owners, strict=True))
    hot = accounts[:2]
    before = balances(connection, accounts)
    requests: list[tuple[str, UUID, UUID, int]] = []
    for _ in range(TRANSFERS):
        if requests and rng.random() < 0.2:
            requests.append(rng.choice(requests))
            continue
        source = rng.choice(hot) if rng.random() < 0.7 else rng.choice(accounts)
        target = rng.choice([a for a in (hot if rng.random() < 0.5 else accounts) if a != source])
        requests.append((f"comb-{uuid.uuid4()}", source, target, rng.randint(1, 9_000)))

    results: dict[str, list[IdempotentResult]] = {}
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
                continue
        with lock:
            results.setdefault(key, []).append(result)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(run, requests))

    after = balances(connection, accounts)
    assert sum(row["balance"] for row in after.values()) == sum(row["balance"] for row in before.values())
    assert all(row["balance"] - row["held"] >= -row["overdraft_limit"] for row in after.values())
    expected = {account: before[account]["balance"] for account in accounts}
    executed = []
    for key, outcomes in results.items():
        assert sum(1 for result in outcomes if not result.replayed) == 1, f"{key} applied more than once"
        first = outcomes[0]
        assert all(result.body == first.body and result.status == first.status for result in outcomes)
        if first.status == 201:
            executed.append(first.body["transaction_id"])
            amount = int(first.body["amount"]["amount"].replace(".", ""))
            expected[UUID(first.body["from_account_id"])] -= amount
            expected[UUID(first.body["to_account_id"])] += amount
        else:
            assert first.body["code"] == "insufficient_funds"
    assert {account: after[account]["balance"] for account in accounts} == expected
    assert len(executed) > TRANSFERS // 3
    stored = connection.execute(
        "SELECT (SELECT count(*) FROM ledger_transactions WHERE id = ANY(%s::uuid[])) AS transactions, "
        "(SELECT count(*) FROM outbox WHERE payload->'data'->>'transaction_id' = ANY(%s)) AS events, "
        "(SELECT count(*) FROM idempotency_keys WHERE idempotency_key = ANY(%s)) AS keys, "
        "(SELECT count(*) FROM ledger_transfer_queue WHERE request->>'key' = ANY(%s)) AS queued",
        (executed, executed, list(results), list(results)),
    ).fetchone()
    connection.commit()
    assert stored == {"transactions": len(executed), "events": len(executed), "keys": len(results), "queued": 0}
    assert_ledger_consistent(connection)


def test_contended_transfers_commit_as_one_batch(ledger_url: str, connection: Connection) -> None:
    owner = uuid.uuid4()
    hot = open_account(connection, owner, funded=10_000)
    targets = [open_account(connection) for _ in range(5)]
    closed = open_account(connection)
    connection.execute("UPDATE ledger_accounts SET status = 'closed' WHERE id = %s", (closed,))
    before = balances(connection, [hot, *targets])
    # 5 transfers that fit, one that no longer fits after them, one to a closed account.
    orders = [(f"batch-{uuid.uuid4()}", target, 1_500) for target in targets]
    orders += [(f"batch-{uuid.uuid4()}", targets[0], 5_000), (f"batch-{uuid.uuid4()}", closed, 100)]

    connections = [connect(ledger_url) for _ in orders]
    futures: list[Future[IdempotentResult]] = []
    outcomes: list[IdempotentResult | BaseException] = []
    with ThreadPoolExecutor(len(orders)) as pool:
        blocker = _lock_account(ledger_url, hot)
        try:
            for number, (conn, (key, target, amount)) in enumerate(zip(connections, orders, strict=True), 1):
                futures.append(pool.submit(service.submit_transfer, conn, customer(owner), key, hot, target,
                                           amount, "RUB"))
                _wait_for(partial(lambda n: _queued(connection, hot) == n, number), "the request to be queued")
        finally:
            blocker.close()  # the leader gets the row lock and applies the whole queue at once
        for future in futures:
            try:
                outcomes.append(future.result(timeout=30))
            except service.AccountClosed as error:
                outcomes.append(error)
    for conn in connections:
        conn.close()

    executed = outcomes[:5]
    assert all(isinstance(r, IdempotentResult) and r.status == 201 and not r.replayed for r in executed)
    refused = outcomes[5]
    assert isinstance(refused, IdempotentResult) and refused.status == 422
    assert refused.body["code"] == "insufficient_funds"
    assert isinstance(outcomes[6], service.AccountClosed)

    ids = [r.body["transaction_id"] for r in executed if isinstance(r, IdempotentResult)]
    rows = connection.execute(
        "SELECT t.id, t.created_at, k.response_body, o.payload FROM ledger_transactions t "
        "JOIN idempotency_keys k ON k.response_body->>'transaction_id' = t.id::text "
        "JOIN outbox o ON o.payload->'data'->>'transaction_id' = t.id::text WHERE t.id = ANY(%s::uuid[])",
        (ids,),
    ).fetchall()
    failed = connection.execute(
        "SELECT count(*) AS n FROM outbox WHERE topic = 'payment.failed' AND payload->>'subject' = %s", (str(hot),)
    ).fetchone()
    connection.commit()
    assert len(rows) == 5 and len({row["created_at"] for row in rows}) == 1  # one database transaction
    by_id = {str(row["id"]): row for row in rows}
    for result in executed:
        assert isinstance(result, IdempotentResult)
        row = by_id[result.body["transaction_id"]]
        assert row["response_body"] == result.body
        assert row["payload"]["data"]["created_at"] == result.body["created_at"]
    assert failed == {"n": 1}
    after = balances(connection, [hot, *targets])
    assert after[hot]["balance"] == before[hot]["balance"] - 7_500
    assert_ledger_consistent(connection)

    # Replays through the combiner-free path return the stored responses.
    replay_connection = connect(ledger_url)
    try:
        for (key, target, amount), result in zip(orders[:6], outcomes[:6], strict=True):
            again = service.submit_transfer(replay_connection, customer(owner), key, hot, target, amount, "RUB")
            assert isinstance(result, IdempotentResult)
            assert again.replayed and again.status == result.status and again.body == result.body
    finally:
        replay_connection.close()


def _start_worker(ledger_url: str, owner: UUID, source: UUID, target: UUID, amount: int, key: str) -> Any:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO_ROOT), str(REPO_ROOT / "shared"), str(REPO_ROOT / "functions" / "ledger")])}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.ledger.combiner_worker", ledger_url, str(owner), str(source),
         str(target), str(amount), key],
        stdout=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT,
    )


def test_leader_killed_mid_batch_leaves_nothing_half_applied(ledger_url: str, connection: Connection) -> None:
    owner = uuid.uuid4()
    hot = open_account(connection, owner, funded=10_000)
    target = open_account(connection)
    dead_key, live_key = f"dead-{uuid.uuid4()}", f"live-{uuid.uuid4()}"
    blocker = _lock_account(ledger_url, hot)
    worker = _start_worker(ledger_url, owner, hot, target, 1_000, dead_key)
    follower = connect(ledger_url)
    with ThreadPoolExecutor(1) as pool:
        try:
            assert worker.stdout is not None
            backend = int(worker.stdout.readline().split()[1])

            def leading() -> bool:  # the worker leads and waits, inside its batch transaction, for the row lock
                row = connection.execute(
                    "SELECT wait_event_type = 'Lock' AND query LIKE '%%ledger_transfer_lead%%' AS waiting "
                    "FROM pg_stat_activity WHERE pid = %s", (backend,)
                ).fetchone()
                return bool(row and row["waiting"])

            _wait_for(leading, "the worker to lead a batch")
            live = pool.submit(service.submit_transfer, follower, customer(owner), live_key, hot, target, 2_000,
                               "RUB")
            _wait_for(lambda: _queued(connection, hot) == 2, "the follower to queue")
            os.kill(worker.pid, signal.SIGKILL)  # the Lambda dies ...
            connection.execute("SELECT pg_terminate_backend(%s)", (backend,))  # ... and so does its session
            _wait_for(lambda: not leading(), "the leader's session to end")
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait(timeout=30)
            blocker.close()
        result = live.result(timeout=30)
    assert result.status == 201 and not result.replayed

    # The dead leader's batch rolled back; its queued request stayed queued and the follower, now the
    # leader, applied it with its own: each exactly once.
    try:
        dead = service.submit_transfer(follower, customer(owner), dead_key, hot, target, 1_000, "RUB")
        assert dead.replayed and dead.status == 201
    finally:
        follower.close()
    after = balances(connection, [hot, target])
    assert after[hot]["balance"] == 7_000 and after[target]["balance"] == 3_000
    assert _queued(connection, hot) == 0
    connection.commit()
    assert_ledger_consistent(connection)


def test_submit_transfer_refuses_an_open_transaction(connection: Connection) -> None:
    source, target = open_account(connection, funded=100), open_account(connection)
    connection.execute("BEGIN")
    try:
        with pytest.raises(RuntimeError):
            service.submit_transfer(connection, ADMIN, f"open-{uuid.uuid4()}", source, target, 1, "RUB")
    finally:
        connection.rollback()
