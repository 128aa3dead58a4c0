"""A worker killed mid-transfer (SIGKILL while its transaction is open) leaves nothing half-applied."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from typing import Any

from ledger_service import service
from tests.integration.ledger.support import assert_ledger_consistent, balances, customer, open_account
from tests.support.stack import REPO_ROOT


def _start_worker(ledger_url: str, owner: uuid.UUID, source: uuid.UUID, target: uuid.UUID, key: str) -> Any:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO_ROOT), str(REPO_ROOT / "shared"), str(REPO_ROOT / "functions" / "ledger")])}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.ledger.fault_worker", ledger_url, str(owner), str(source),
         str(target), "4000", key],
        stdout=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT,
    )


def test_killed_worker_leaves_nothing_half_applied(ledger_url: str, connection: Any) -> None:
    owner = uuid.uuid4()
    source = open_account(connection, owner, funded=10_000)
    target = open_account(connection)
    key = f"fault-{uuid.uuid4()}"
    before = balances(connection, [source, target])

    worker = _start_worker(ledger_url, owner, source, target, key)
    try:
        line = worker.stdout.readline()
        assert line.startswith("APPLIED 201"), line
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    assert balances(connection, [source, target]) == before
    leftovers = connection.execute(
        "SELECT (SELECT count(*) FROM idempotency_keys WHERE idempotency_key = %s) AS keys, "
        "(SELECT count(*) FROM postings WHERE account_id = ANY(%s)) AS postings, "
        "(SELECT count(*) FROM outbox WHERE payload->'data'->>'from_account_id' = %s) AS events",
        (key, [source, target], str(source)),
    ).fetchone()
    connection.commit()
    assert leftovers == {"keys": 0, "postings": 1, "events": 0}  # only the funding posting of `source`

    # The client retries with the same key: applied exactly once, and the locks were released by the kill.
    retried = service.submit_transfer(connection, customer(owner), key, source, target, 4000, "RUB")
    replayed = service.submit_transfer(connection, customer(owner), key, source, target, 4000, "RUB")
    assert retried.status == 201 and not retried.replayed
    assert replayed.replayed and replayed.body == retried.body
    after = balances(connection, [source, target])
    assert after[source]["balance"] == 6_000 and after[target]["balance"] == 4_000
    assert_ledger_consistent(connection)
