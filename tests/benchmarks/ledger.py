"""`make bench-ledger`: transfers/s and p50/p99 of (a) raw SQL doing a transfer's statements (pgbench, a C
client), (b) the ledger's own service code (`service.submit_transfer`, what POST /transfer runs, N worker
processes) and (c) the same SQL transfer function the service calls, `ledger_transfer_apply`, driven by
pgbench directly: the database's own limit for that function on this machine. Two shapes: uniform over many
accounts, and every transfer touching one hot account. Prints a table with b/a and b/c (the service's
share of what the database alone does with the same function: 1 - b/c is the service's overhead).

(b) is timed from the moment every worker process is ready (imported, connected, first statement done):
the window is the same N seconds of steady load as pgbench's, without process start-up in it.

(a) stays the original straightforward statements of a transfer, one client transaction per transfer with
one row lock per account (what issue 4 compares against). (b) now sends one statement per transfer
(ledger_transfer_apply, migration 0003) and hands requests for a busy account to that account's combiner,
which applies a batch of them in one database transaction.

It runs in a throwaway schema of the stack's ledger database (search_path), so the stack's data is never
touched; the schema is dropped at the end. A script, not a test: numbers on this shared 2-core machine are
noisy, which is why both sides run back to back in the same run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "shared"), str(REPO / "functions" / "ledger")]

import psycopg  # noqa: E402

from bank_shared.migrations import upgrade_head  # noqa: E402
from tests.support.stack import database_url  # noqa: E402

PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"
SCHEMA = f"bench_{uuid.uuid4().hex[:8]}"
ACCOUNTS = 1000
FUNDING = 10**12

PGBENCH_SCRIPT = """
\\set a random(1, {n})
{hot}
\\set b 1 + (:a + random(0, {n} - 2)) % {n}
\\set amt random(1, 100)
BEGIN;
SELECT pg_try_advisory_xact_lock(hashtextextended('bench|' || md5(random()::text), 0));
SELECT request_hash FROM idempotency_keys WHERE scope = 'bench' AND idempotency_key = md5(random()::text);
SELECT id, balance, held, overdraft_limit, owner_id, status, currency FROM ledger_accounts
 WHERE id IN (md5(:a::text)::uuid, md5(:b::text)::uuid) ORDER BY id FOR UPDATE;
INSERT INTO ledger_transactions (id, kind, description, initiated_by)
 VALUES (md5(txid_current()::text || 'tx')::uuid, 'transfer', '', 'bench');
INSERT INTO postings (transaction_id, account_id, currency, amount)
 VALUES (md5(txid_current()::text || 'tx')::uuid, md5(:a::text)::uuid, 'RUB', -:amt),
        (md5(txid_current()::text || 'tx')::uuid, md5(:b::text)::uuid, 'RUB', :amt);
UPDATE ledger_accounts SET balance = balance + CASE WHEN id = md5(:a::text)::uuid THEN -:amt ELSE :amt END
 WHERE id IN (md5(:a::text)::uuid, md5(:b::text)::uuid);
INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response_status, response_body)
 VALUES ('bench', md5(random()::text), 'h', 201, '{{}}');
INSERT INTO outbox (id, topic, message_key, payload) VALUES (gen_random_uuid(), 'bench', 'k', '{{}}');
END;
"""


# (c): one autocommit statement per transfer, as the service's uncontended path sends it (waiting for row
# locks instead of handing a busy account to the combiner, which is the service's own machinery).
FUNCTION_SCRIPT = """
\\set a random(1, {n})
{hot}
\\set b 1 + (:a + random(0, {n} - 2)) % {n}
\\set amt random(1, 100)
SELECT ledger_transfer_apply(jsonb_build_object(
    'scope', 'transfer:bench-sql', 'key', t.id::text, 'hash', 'h',
    'from', md5(:a::text)::uuid, 'to', md5(:b::text)::uuid, 'amount', :amt, 'currency', 'RUB',
    'description', '', 'initiated_by', 'bench-sql', 'owner', NULL, 'transaction_id', t.id,
    'body', jsonb_build_object('transaction_id', t.id, 'type', 'transfer', 'status', 'executed'),
    'event', jsonb_build_object('id', gen_random_uuid(), 'type', 'payment.executed',
                                'subject', md5(:a::text), 'data', jsonb_build_object('transaction_id', t.id)),
    'refused_body', '{{"status": 422, "code": "insufficient_funds"}}'::jsonb,
    'refused_event', jsonb_build_object('id', gen_random_uuid(), 'type', 'payment.failed',
                                        'subject', md5(:a::text), 'data', '{{}}'::jsonb)), true)
  FROM (SELECT gen_random_uuid() AS id) AS t;
"""


def bench_url() -> str:
    url = database_url("ledger")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{SCHEMA}"


def setup() -> None:
    admin = database_url("ledger")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    upgrade_head("ledger", bench_url())
    with psycopg.connect(bench_url(), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO ledger_accounts (id, kind, owner_id, currency, balance, allow_negative) "
            "SELECT md5(i::text)::uuid, 'customer', md5(i::text)::uuid, 'RUB', %s, false "
            "FROM generate_series(1, %s) i",
            (FUNDING, ACCOUNTS),
        )
        # Opening balances come from issuance so the ledger stays zero-sum.
        conn.execute("UPDATE ledger_accounts SET balance = %s WHERE system_code = 'issuance:RUB'",
                     (-FUNDING * ACCOUNTS,))


def teardown() -> None:
    with psycopg.connect(database_url("ledger"), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")


def percentiles(latencies_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies_ms)
    if not ordered:
        return 0.0, 0.0
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def run_pgbench(script_text: str, hot: bool, clients: int, seconds: int) -> tuple[float, float, float]:
    parsed = urlparse(database_url("ledger"))
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "transfer.sql"
        script.write_text(script_text.format(n=ACCOUNTS, hot="\\set a 1" if hot else ""))
        env = {**os.environ, "PGPASSWORD": parsed.password or "", "PGOPTIONS": f"-c search_path={SCHEMA}"}
        command = [PGBENCH, "-n", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432),
                   "-U", parsed.username or "ledger", "-c", str(clients), "-j", str(min(clients, 4)),
                   "-T", str(seconds), "-f", str(script), "-l", "--log-prefix", str(Path(tmp) / "log"),
                   (parsed.path or "/ledger").lstrip("/")]
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise RuntimeError(completed.stderr)
        latencies = [int(line.split()[2]) / 1000 for log in Path(tmp).glob("log*") for line in log.open()]
    p50, p99 = percentiles(latencies)
    return len(latencies) / seconds, p50, p99


def _service_worker(args: tuple[str, bool, float, int, Any, Any]) -> list[float]:
    """Gets ready (imports, connection, one warm-up statement), then waits at the barrier: every worker
    starts its timed window together, when the parent says go."""
    url, hot, seconds, seed, ready, go = args
    import hashlib
    import random

    from bank_shared.auth import Principal
    from bank_shared.db import connect
    from bank_shared.events import outbox
    from ledger_service import service

    outbox.relay_after_commit = lambda _connection: None  # type: ignore[assignment] - Kafka is not measured
    rng = random.Random(seed)
    staff = Principal("bench-service", frozenset({"employee"}), frozenset(), {})
    ids = [uuid.UUID(hex=hashlib.md5(str(i).encode(), usedforsecurity=False).hexdigest())
           for i in range(1, ACCOUNTS + 1)]
    conn = connect(url)
    conn.execute("SELECT 1")
    ready.wait()  # every worker is ready ...
    start_at = go.get()  # ... and the parent hands out one common start
    go.put(start_at)
    deadline = start_at + seconds
    latencies: list[float] = []
    while time.time() < deadline:
        a = ids[0] if hot else rng.choice(ids)
        b = rng.choice(ids)
        while b == a:
            b = rng.choice(ids)
        started = time.perf_counter()
        result = service.submit_transfer(conn, staff, str(uuid.uuid4()), a, b, rng.randint(1, 100), "RUB")
        latencies.append((time.perf_counter() - started) * 1000)
        assert result.status == 201
    conn.close()
    return latencies


def run_service(hot: bool, workers: int, seconds: int) -> tuple[float, float, float]:
    context = multiprocessing.get_context("fork")
    manager = context.Manager()
    ready, go = manager.Barrier(workers + 1), manager.Queue()
    with context.Pool(workers) as pool:
        pending = pool.map_async(_service_worker,
                                 [(bench_url(), hot, seconds, seed, ready, go) for seed in range(workers)])
        ready.wait()  # the timed window opens once every worker process is ready
        go.put(time.time())
        chunks = pending.get()
    manager.shutdown()
    latencies = [value for chunk in chunks for value in chunk]
    p50, p99 = percentiles(latencies)
    return len(latencies) / seconds, p50, p99


def check_consistency() -> None:
    with psycopg.connect(bench_url()) as conn:
        total = conn.execute("SELECT sum(balance) FROM ledger_accounts").fetchone()
        assert total is not None and total[0] == 0, f"bench ledger is not zero-sum: {total}"
        drift = conn.execute(
            "SELECT count(*) FROM ledger_accounts a LEFT JOIN (SELECT account_id, sum(amount) AS total "
            "FROM postings GROUP BY account_id) p ON p.account_id = a.id "
            "WHERE a.balance - CASE WHEN a.kind = 'customer' AND a.currency = 'RUB' THEN %s "
            "WHEN a.system_code = 'issuance:RUB' THEN %s ELSE 0 END <> coalesce(p.total, 0)",
            (FUNDING, -FUNDING * ACCOUNTS),  # opening balances were set without postings (setup)
        ).fetchone()
        assert drift is not None and drift[0] == 0, f"{drift} balances differ from their postings"
        keys = conn.execute(
            "SELECT (SELECT count(*) FROM idempotency_keys WHERE scope LIKE 'transfer:%%'), "
            "(SELECT count(*) FROM ledger_transactions WHERE initiated_by IN ('bench-service', 'bench-sql')), "
            "(SELECT count(*) FROM outbox WHERE topic = 'payment.executed')"
        ).fetchone()
        assert keys is not None and keys[0] == keys[1] == keys[2], f"keys/transactions/events differ: {keys}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    setup()
    rows = []
    try:
        for shape, hot in (("uniform", False), ("hot account", True)):
            raw = run_pgbench(PGBENCH_SCRIPT, hot, args.workers, args.seconds)
            ours = run_service(hot, args.workers, args.seconds)
            direct = run_pgbench(FUNCTION_SCRIPT, hot, args.workers, args.seconds)
            rows.append((shape, raw, ours, direct))
        check_consistency()
    finally:
        teardown()
    print(f"\nledger transfers, {args.workers} concurrent clients, {args.seconds}s each, durable commit")
    print("(a) = the original per-transfer statements via pgbench, one transaction and row lock per transfer;")
    print("(b) = service.submit_transfer: one statement per transfer, busy accounts batched by a combiner;")
    print("(c) = ledger_transfer_apply (the function (b) calls) driven by pgbench directly: the database's limit")
    print(f"{'shape':<12} {'(a) raw SQL tps':>16} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'(b) service tps':>16} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'(c) SQL fn tps':>15} {'p50 ms':>7} {'p99 ms':>7} {'b/a':>6} {'b/c':>6}")
    for shape, (a_tps, a50, a99), (b_tps, b50, b99), (c_tps, c50, c99) in rows:
        print(f"{shape:<12} {a_tps:>16.0f} {a50:>7.2f} {a99:>7.2f} {b_tps:>16.0f} {b50:>7.2f} {b99:>7.2f} "
              f"{c_tps:>15.0f} {c50:>7.2f} {c99:>7.2f} {b_tps / a_tps:>6.2f} {b_tps / c_tps:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
