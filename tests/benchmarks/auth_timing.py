"""F7: do `forgot`, `register` and `login` answer an address that has an account as fast as one that has
none? Measured through the local gateway, the samples of both kinds interleaved so machine noise hits
both alike, and compared with a baseline in the same run: unknown against unknown (what pure noise
looks like). A ratio near the baseline's means the answer time tells nothing.

    .local/venv/bin/python tests/benchmarks/auth_timing.py [--users 20]     (make bench-auth-timing)

Known addresses are pending customers registered by the script (each asked for a reset once, so every
known sample does the real work: a link and its mail, within the address's hourly mail quota).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.stack import gateway_url

PASSWORD = "Timing-bench-2026"


def timed(call: Callable[[], httpx.Response], expected: int) -> float:
    """Milliseconds of one request (waiting out the per-IP rate limit, which is not part of the sample)."""
    while True:
        started = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code == 429:
            time.sleep(int(response.headers.get("retry-after", "1")))
            continue
        assert response.status_code == expected, response.text
        return elapsed


def fresh() -> str:
    return f"bench-{uuid.uuid4().hex[:12]}@example.com"


def measure(http: httpx.Client, users: int) -> dict[str, tuple[list[float], list[float]]]:
    known = [fresh() for _ in range(users)]
    register = {"password": PASSWORD, "full_name": "Timing Bench"}
    for email in known:  # warm-up and the known addresses (pending customers)
        timed(partial(http.post, "/api/auth/register", json={**register, "email": email}), 202)
    rng = random.Random(11)
    samples: dict[str, tuple[list[float], list[float]]] = {
        name: ([], []) for name in ("forgot", "register", "login", "baseline (unknown vs unknown forgot)")}
    for email in known:
        wrong = "Wrong-pass-123"
        pairs = {  # path, the known address's body, an unknown address's body, the expected status
            "forgot": ("/api/auth/password/forgot", {"email": email}, {"email": fresh()}, 202),
            "register": ("/api/auth/register", {**register, "email": email}, {**register, "email": fresh()}, 202),
            "login": ("/api/auth/login", {"email": email, "password": wrong}, {"email": fresh(), "password": wrong},
                      401),
            "baseline (unknown vs unknown forgot)": ("/api/auth/password/forgot", {"email": fresh()},
                                                     {"email": fresh()}, 202),
        }
        for name, (path, first, second, status) in pairs.items():
            order = [(0, first), (1, second)]
            rng.shuffle(order)  # which of the two goes first is random, so order cannot bias either
            for index, body in order:
                samples[name][index].append(timed(partial(http.post, path, json=body), status))
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="known addresses (one sample each)")
    args = parser.parse_args()
    with httpx.Client(base_url=gateway_url(), timeout=30) as http:
        samples = measure(http, args.users)
    print(f"\nauth answer times through the gateway, {args.users} interleaved samples each (ms, median / p90)")
    print(f"{'route':<38} {'known':>15} {'unknown':>15} {'known/unknown':>14}")
    for name, (known, unknown) in samples.items():
        def stats(values: list[float]) -> str:
            return f"{statistics.median(values):6.1f} /{statistics.quantiles(values, n=10)[-1]:6.1f}"

        ratio = statistics.median(known) / statistics.median(unknown)
        print(f"{name:<38} {stats(known):>15} {stats(unknown):>15} {ratio:>14.2f}")
    print("\nA known/unknown ratio within the baseline's distance from 1.00 is noise, not a signal.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
