"""Latency of `GET /api/customer/dashboard` through the local gateway as a multiple of one service call
(`GET /api/accounts/my`, itself accounts → ledger balances), same run, same signed-in demo customer.

The dashboard makes three service-to-service calls concurrently (auth profile, accounts with balances and
cards — which calls the ledger —, ledger recent transactions), each a direct invoke of that function. Samples are
interleaved (baseline, dashboard, baseline, ...) after a warm-up so machine noise hits both alike; any
non-empty `missing` list fails the run (a partial answer would flatter the numbers).

    .local/venv/bin/python tests/benchmarks/dashboard.py [--iterations 30]

The gateway rate-limits per user; on a 429 the script waits `Retry-After` and repeats the sample.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.bench import latency_summary
from tests.support.stack import gateway_url, stack

BASELINE, DASHBOARD = "/api/accounts/my", "/api/customer/dashboard"


def timed_get(client: httpx.Client, path: str) -> float:
    while True:
        started = time.perf_counter()
        response = client.get(path)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status_code == 429:
            time.sleep(int(response.headers.get("retry-after", "1")))
            continue
        response.raise_for_status()
        if path == DASHBOARD and response.json()["missing"]:
            raise SystemExit(f"partial dashboard: {response.json()['missing']}")
        return elapsed_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    user = stack()["demo_users"]["customer"]
    with httpx.Client(base_url=gateway_url(), timeout=30) as client:
        login = client.post("/api/auth/login", json={"email": user["email"], "password": user["password"]})
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        for _ in range(args.warmup):  # warm workers (each function may start several) and the token caches
            timed_get(client, BASELINE)
            timed_get(client, DASHBOARD)
        baseline: list[float] = []
        dashboard: list[float] = []
        for _ in range(args.iterations):
            baseline.append(timed_get(client, BASELINE))
            dashboard.append(timed_get(client, DASHBOARD))
    print(latency_summary(f"GET {BASELINE}", baseline))
    print(latency_summary(f"GET {DASHBOARD}", dashboard))
    ratio = statistics.median(dashboard) / statistics.median(baseline)
    print(f"dashboard / single service call (median): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
