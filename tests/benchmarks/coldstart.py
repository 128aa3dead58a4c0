"""Cold-start import time of every function's handler module, and the emulator's warm overhead.

Run with `make bench-coldstart`. Import times come from a fresh interpreter per function (`-X importtime`,
so nothing is cached in-process); the warm overhead compares, in the same run, a health request through
the local gateway with the same handler invoked in-process, and prints the ratio.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO)]
SERVICES = ("auth", "customer", "office", "accounts", "ledger", "fx", "utilities", "contracts", "notifications")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def function_env(service: str) -> dict[str, str]:
    env_file = REPO / ".local" / "env.json"
    block = json.loads(env_file.read_text()).get(f"{service.capitalize()}Function", {}) if env_file.exists() else {}
    return {**os.environ, **block, "POWERTOOLS_SERVICE_NAME": service, "POWERTOOLS_TRACE_DISABLED": "true",
            "PYTHONPATH": str(REPO / "functions" / service)}


def import_seconds(service: str) -> tuple[float, list[tuple[str, float]]]:
    """Wall time of importing the handler in a fresh process, plus its three heaviest top-level imports."""
    code = f"import time; t=time.perf_counter(); import {service}_service.handler; print(time.perf_counter()-t)"
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                            env=function_env(service), check=True)
    cumulative: list[tuple[str, float]] = []
    for line in result.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit() and not parts[2].startswith(" "):
            name = parts[2]
            if "." not in name:
                cumulative.append((name, int(parts[1]) / 1e6))
    heaviest = sorted(cumulative, key=lambda item: -item[1])[:3]
    return float(result.stdout.strip().splitlines()[-1]), heaviest


def warm_overhead(service: str = "notifications", requests: int = 200) -> dict[str, Any]:
    import httpx

    from tests.unit.shared.test_errors_and_app import Context, http_event

    stack = json.loads((REPO / ".local" / "stack.json").read_text())
    with httpx.Client(base_url=stack["gateway_url"], timeout=10) as client:
        for _ in range(20):
            client.get(f"/api/{service}/health")
        gateway = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(f"/api/{service}/health")
            gateway.append(time.perf_counter() - started)
    os.environ.update(function_env(service))
    sys.path.insert(0, str(REPO / "functions" / service))
    handler = __import__(f"{service}_service.handler", fromlist=["lambda_handler"]).lambda_handler
    event = http_event("GET", f"/api/{service}/health")
    for _ in range(20):
        handler(event, Context())
    direct = []
    for _ in range(requests):
        started = time.perf_counter()
        handler(event, Context())
        direct.append(time.perf_counter() - started)
    gateway_ms, direct_ms = statistics.median(gateway) * 1000, statistics.median(direct) * 1000
    return {"gateway_ms": gateway_ms, "in_process_ms": direct_ms, "ratio": gateway_ms / direct_ms,
            "overhead_ms": gateway_ms - direct_ms}


def main() -> int:
    print(f"cold-start import of each handler (median of {RUNS} fresh processes)")
    print(f"{'function':<15}{'import s':>10}   heaviest top-level imports")
    for service in SERVICES:
        samples = [import_seconds(service) for _ in range(RUNS)]
        median = statistics.median(seconds for seconds, _ in samples)
        heaviest = ", ".join(f"{name} {secs:.2f}s" for name, secs in samples[-1][1])
        print(f"{service:<15}{median:>10.3f}   {heaviest}", flush=True)
    if (REPO / ".local" / "stack.json").exists():
        result = warm_overhead()
        print("\nwarm invocation, GET /api/notifications/health (median of 200):")
        print(f"  through the local gateway {result['gateway_ms']:.2f} ms, in-process handler "
              f"{result['in_process_ms']:.2f} ms, ratio {result['ratio']:.2f}x "
              f"(+{result['overhead_ms']:.2f} ms emulator overhead)")
    else:
        print("\n(stack not up: skipped the gateway overhead; run `make up` first)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
