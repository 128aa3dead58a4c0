"""Latency of `GET /api/fx/rates/latest` through the local gateway: cached vs uncached, same run.

Uncached = the 24 h key `fx:latest:{base}:{symbols}` deleted just before the request (the currency list
stays cached, as in production). Samples are interleaved (uncached, cached, uncached, ...) so machine
noise hits both alike; the answer's `cached` flag is checked on every sample.

    .local/venv/bin/python tests/benchmarks/fx_latency.py [--iterations 25] [--base USD] [--symbols EUR,GBP]

The gateway rate-limits per client IP (120/min by default): on a 429 the script waits `Retry-After` and
repeats the sample, so keep iterations modest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx
import redis as redis_lib

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.bench import latency_summary
from tests.support.stack import gateway_url, stack

PATH = "/api/fx/rates/latest"


def timed_get(client: httpx.Client, params: dict[str, str], expect_cached: bool) -> float:
    """Milliseconds for one request whose answer has the expected `cached` flag."""
    while True:
        started = time.perf_counter()
        response = client.get(PATH, params=params)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status_code == 429:
            time.sleep(int(response.headers.get("retry-after", "1")))
            continue
        response.raise_for_status()
        body = response.json()
        if body["cached"] is not expect_cached or body["stale"]:
            raise SystemExit(f"unexpected answer (wanted cached={expect_cached}): {body}")
        return elapsed_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=25)
    parser.add_argument("--base", default="USD")
    parser.add_argument("--symbols", default="EUR,GBP", help="already normalised (sorted, upper case)")
    args = parser.parse_args()
    params = {"base": args.base, "symbols": args.symbols}
    key = f"fx:latest:{args.base}:{args.symbols}"
    redis = redis_lib.Redis.from_url(str(stack()["redis_url"]), decode_responses=True)
    uncached: list[float] = []
    cached: list[float] = []
    with httpx.Client(base_url=gateway_url(), timeout=30) as client:
        for _ in range(3):  # warm the worker, the connection pools and the currency list
            redis.delete(key)
            timed_get(client, params, expect_cached=False)
        for _ in range(args.iterations):
            redis.delete(key)
            uncached.append(timed_get(client, params, expect_cached=False))
            cached.append(timed_get(client, params, expect_cached=True))
    print(f"GET {PATH}?base={args.base}&symbols={args.symbols} via {gateway_url()}")
    print(latency_summary("uncached", uncached, 9))
    print(latency_summary("cached", cached, 9))
    ratio = statistics.median(uncached) / statistics.median(cached)
    print(f"ratio     uncached/cached (medians) = {ratio:.2f}x; cache saves "
          f"{statistics.median(uncached) - statistics.median(cached):.2f} ms per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
