"""`make bench-coldstart`: every function's handler import against a bare FastAPI + Mangum + Powertools
handler (tests/benchmarks/baseline), measured in the same run, plus the warm in-process invocation.

Cold start: each sample imports one handler in a fresh interpreter (the same venv, the code of this
checkout first on the path) and reports the import's CPU time and wall time. Samples are interleaved
(baseline, auth, customer, ... in a shuffled order each round) so that load on this shared machine hits
every target alike; each target's median is divided by the baseline's. CPU time is the headline figure
because it does not grow when other processes compete for the two cores; wall time is printed beside it.
The "X-Ray on" column imports each handler as Lambda would with active tracing (LAMBDA_TASK_ROOT set,
POWERTOOLS_TRACE_DISABLED unset), still divided by the bare handler with tracing off.

Where the time goes: one `python -X importtime` run per function; the modules the baseline does not
import are summed per top-level package (self time), heaviest first, with the module that pulled each in.

Warm path: each handler, imported in its own process, answers the same request (a GET that matches no
route: Powertools decorators, Mangum, the middleware stack and the problem+json error mapping) a few
hundred times after a warm-up; the median per call is divided by the baseline's. With the stack up, the
local gateway's overhead on a health request is printed too.

A script, not a test: it prints ratios and a verdict against the 1.5x target, and fails only with --check.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bank_shared.tools.registry import service_names

REPO = Path(__file__).resolve().parents[2]
BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
SERVICES = service_names()  # functions/services.toml
BASELINE = "baseline"
TARGET_RATIO = 1.5
RESULT_MARK = "BENCH_RESULT "

# Runs in the fresh interpreter: nothing but the handler is imported between the two clock readings.
IMPORT_CHILD = (
    "import time\n"
    "cpu, wall = time.process_time(), time.perf_counter()\n"
    "import importlib, sys\n"
    "importlib.import_module(sys.argv[1])\n"
    "wall, cpu = time.perf_counter() - wall, time.process_time() - cpu\n"
    f"print({RESULT_MARK!r} + '{{\"cpu\": %.6f, \"wall\": %.6f, \"modules\": %d}}' % (cpu, wall, len(sys.modules)))\n"
)


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    code_dir: Path
    shared_dir: Path = REPO / "shared"

    @property
    def service(self) -> str:
        return self.module.split("_service.")[0]


def all_targets(services: list[str], against: tuple[str, Path] | None = None) -> list[Target]:
    """The baseline, then each function; with `against` (a revision and its checkout) each function of that
    revision right before the same function of this checkout."""
    targets = [Target(BASELINE, "baseline_handler", BASELINE_DIR)]
    for service in services:
        module = f"{service}_service.handler"
        if against is not None:
            rev, root = against
            targets.append(Target(f"{service}@{rev}", module, root / "functions" / service, root / "shared"))
        targets.append(Target(service, module, REPO / "functions" / service))
    return targets


def checkout(rev: str) -> Path:
    """`rev` of this repository, exported to a temporary directory (no git worktree metadata)."""
    root = Path(tempfile.mkdtemp(prefix="bench-coldstart-"))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root


def function_block(service: str) -> dict[str, str]:
    """The function's environment as the local stack runs it (written by `make up`), if present."""
    env_file = REPO / ".local" / "env.json"
    if not env_file.exists():
        return {}
    block: dict[str, str] = json.loads(env_file.read_text()).get(f"{service.capitalize()}Function", {})
    return block


def child_env(target: Target, *, xray: bool) -> dict[str, str]:
    env = {**os.environ, **function_block(target.service)}
    env.update(POWERTOOLS_SERVICE_NAME=target.service, RATE_LIMIT_ENABLED="false",
               PYTHONPATH=os.pathsep.join([str(target.code_dir), str(target.shared_dir), str(REPO)]))
    for name in ("LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "POWERTOOLS_TRACE_DISABLED"):
        env.pop(name, None)
    if xray:  # what Powertools sees in Lambda with `Tracing: Active`
        env.update(LAMBDA_TASK_ROOT=str(target.code_dir), AWS_LAMBDA_FUNCTION_NAME=f"bench-{target.name}",
                   _HANDLER=f"{target.module}.lambda_handler")
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    return env


def result_of(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            value: dict[str, Any] = json.loads(line.removeprefix(RESULT_MARK))
            return value
    raise RuntimeError(f"no result in the child's output:\n{stdout[-2000:]}")


def run_child(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def import_sample(target: Target, *, xray: bool) -> dict[str, Any]:
    completed = run_child(["-c", IMPORT_CHILD, target.module], child_env(target, xray=xray), target.code_dir)
    return result_of(completed.stdout)


# --- -X importtime ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRow:
    self_s: float
    depth: int
    name: str

    @property
    def package(self) -> str:
        return self.name.split(".")[0]


def parse_importtime(stderr: str) -> list[ImportRow]:
    """Rows of `-X importtime` in the order printed (a module after everything it imported)."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip(" "))) // 2
        rows.append(ImportRow(int(parts[0]) / 1e6, depth, name.strip()))
    return rows


def importer_of(rows: list[ImportRow], index: int) -> str:
    """The nearest enclosing import outside the package of rows[index]: who pulled that package in."""
    package, depth = rows[index].package, rows[index].depth
    for row in rows[index + 1:]:
        if row.depth < depth:
            if row.package != package:
                return row.name
            depth = row.depth
    return "the handler"


def extra_costs(rows: list[ImportRow], baseline_modules: set[str]) -> list[tuple[str, float, str]]:
    """(package, self seconds, imported via) for modules the baseline does not import, heaviest first."""
    cost: dict[str, float] = defaultdict(float)
    via: dict[str, str] = {}
    for index, row in enumerate(rows):
        if row.name in baseline_modules:
            continue
        cost[row.package] += row.self_s
        via.setdefault(row.package, importer_of(rows, index))
    return sorted(((name, seconds, via[name]) for name, seconds in cost.items()), key=lambda item: -item[1])


def importtime_rows(target: Target, runs: int) -> list[ImportRow]:
    """The rows of the first of `runs` runs, each module's self time the least seen across them: a process
    descheduled mid-import charges the wait to whichever module was loading, and the minimum drops that."""
    code = "import importlib, sys; importlib.import_module(sys.argv[1])"
    results = [parse_importtime(run_child(["-X", "importtime", "-c", code, target.module],
                                          child_env(target, xray=False), target.code_dir).stderr)
               for _ in range(runs)]
    least: dict[str, float] = {}
    for rows in results:
        for row in rows:
            least[row.name] = min(least.get(row.name, row.self_s), row.self_s)
    return [ImportRow(least[row.name], row.depth, row.name) for row in results[0]]


# --- warm path ---------------------------------------------------------------------------------------

def warm_child(module: str, calls: int) -> None:
    """Runs in the child: import the handler, warm it up, time `calls` invocations of a routeless GET."""
    handler = importlib.import_module(module).lambda_handler
    from tests.support.lambda_events import Context, http_event

    event, context = http_event("GET", "/bench/no-such-route"), Context()
    for _ in range(max(20, calls // 10)):
        response = handler(event, context)
    if response["statusCode"] != 404:
        raise RuntimeError(f"{module}: expected 404 from a routeless GET, got {response['statusCode']}")
    cpu, wall = [], []
    for _ in range(calls):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        handler(event, context)
        wall.append(time.perf_counter() - wall0)
        cpu.append(time.process_time() - cpu0)
    medians = {"cpu_ms": statistics.median(cpu) * 1000, "wall_ms": statistics.median(wall) * 1000}
    print(RESULT_MARK + json.dumps(medians))


def warm_sample(target: Target, calls: int) -> dict[str, Any]:
    args = [str(Path(__file__).resolve()), "--warm-child", target.module, "--calls", str(calls)]
    return result_of(run_child(args, child_env(target, xray=False), REPO).stdout)


def gateway_overhead(service: str = "notifications", requests: int = 200) -> dict[str, float] | None:
    """Median GET /api/<service>/health through the running local gateway vs the handler in-process."""
    stack_file = REPO / ".local" / "stack.json"
    if not stack_file.exists():
        return None
    sys.path[:0] = [str(REPO)]
    import httpx

    from tests.support.lambda_events import Context, http_event

    with httpx.Client(base_url=json.loads(stack_file.read_text())["gateway_url"], timeout=10) as client:
        for _ in range(20):
            client.get(f"/api/{service}/health")
        gateway = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(f"/api/{service}/health")
            gateway.append(time.perf_counter() - started)
    target = next(t for t in all_targets([service]) if t.name == service)
    os.environ.update(child_env(target, xray=False))
    sys.path[:0] = [str(target.code_dir), str(REPO / "shared")]
    handler = importlib.import_module(target.module).lambda_handler
    event = http_event("GET", f"/api/{service}/health")
    for _ in range(20):
        handler(event, Context())
    direct = []
    for _ in range(requests):
        started = time.perf_counter()
        handler(event, Context())
        direct.append(time.perf_counter() - started)
    gateway_ms, direct_ms = statistics.median(gateway) * 1000, statistics.median(direct) * 1000
    return {"gateway_ms": gateway_ms, "in_process_ms": direct_ms, "ratio": gateway_ms / direct_ms}


# --- the report ----------------------------------------------------------------------------------------

def median_of(samples: list[dict[str, Any]], key: str) -> float:
    return statistics.median(sample[key] for sample in samples)


def measure_imports(targets: list[Target], runs: int, *, xray: bool) -> dict[str, list[dict[str, Any]]]:
    samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    order = list(targets)
    for round_number in range(runs):
        random.shuffle(order)
        for target in order:
            samples[target.name].append(import_sample(target, xray=xray))
        print(f"  round {round_number + 1}/{runs}{' (X-Ray on)' if xray else ''} done", file=sys.stderr, flush=True)
    return samples


def print_cold(targets: list[Target], off: dict[str, list[dict[str, Any]]],
               on: dict[str, list[dict[str, Any]]], runs: int) -> bool:
    base_cpu, base_wall = median_of(off[BASELINE], "cpu"), median_of(off[BASELINE], "wall")
    print(f"\ncold start: handler import, median of {runs} fresh interpreters per target, interleaved")
    print(f"{'function':<15}{'cpu s':>8}{'ratio':>8}{'wall s':>9}{'ratio':>8}{'modules':>9}"
          f"{'X-Ray on cpu s':>16}{'ratio':>8}   verdict (target <= {TARGET_RATIO}x cpu)")
    within = True
    for target in targets:
        cpu, wall = median_of(off[target.name], "cpu"), median_of(off[target.name], "wall")
        modules = int(median_of(off[target.name], "modules"))
        xray_cpu = median_of(on[target.name], "cpu") if on else float("nan")
        ratio = cpu / base_cpu
        verdict = "baseline" if target.name == BASELINE else ("ok" if ratio <= TARGET_RATIO else "OVER")
        within &= verdict != "OVER"
        print(f"{target.name:<15}{cpu:>8.3f}{ratio:>7.2f}x{wall:>9.3f}{wall / base_wall:>7.2f}x{modules:>9}"
              f"{xray_cpu:>16.3f}{xray_cpu / base_cpu:>7.2f}x   {verdict}")
    return within


def print_import_costs(targets: list[Target], top: int, runs: int) -> None:
    rows_of = {target.name: importtime_rows(target, runs) for target in targets}
    baseline_modules = {row.name for row in rows_of[BASELINE]}
    base_total = sum(row.self_s for row in rows_of[BASELINE])
    print(f"\nwhere the time goes (python -X importtime, least of {runs} runs per module; the baseline's imports "
          f"total {base_total:.2f} s): modules the baseline does not import, self time per package, heaviest first")
    for target in targets[1:]:
        costs = extra_costs(rows_of[target.name], baseline_modules)
        total = sum(seconds for _, seconds, _ in costs)
        heaviest = ", ".join(f"{name} {seconds:.3f}s (via {via})" for name, seconds, via in costs[:top])
        print(f"  {target.name:<14} +{total:.3f}s: {heaviest}")


def print_warm(targets: list[Target], calls: int) -> None:
    results = {target.name: warm_sample(target, calls) for target in targets}
    base = results[BASELINE]
    print(f"\nwarm in-process invocation, routeless GET -> 404 problem (median of {calls} calls after warm-up)")
    print(f"{'function':<15}{'cpu ms':>9}{'ratio':>8}{'wall ms':>9}{'ratio':>8}")
    for target in targets:
        result = results[target.name]
        print(f"{target.name:<15}{result['cpu_ms']:>9.3f}{result['cpu_ms'] / base['cpu_ms']:>7.2f}x"
              f"{result['wall_ms']:>9.3f}{result['wall_ms'] / base['wall_ms']:>7.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    parser.add_argument("--functions", default=",".join(SERVICES), help="comma-separated subset")
    parser.add_argument("--top", type=int, default=5, help="packages listed per function")
    parser.add_argument("--importtime-runs", type=int, default=3, help="-X importtime runs per function")
    parser.add_argument("--calls", type=int, default=300, help="warm invocations per function")
    parser.add_argument("--no-xray", action="store_true", help="skip the X-Ray-on import column")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm-path table")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when a function is over {TARGET_RATIO}x")
    parser.add_argument("--against", metavar="REV", help="also measure REV's functions (e.g. main), interleaved")
    parser.add_argument("--warm-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm_child:
        warm_child(args.warm_child, args.calls)
        return 0
    other = (args.against, checkout(args.against)) if args.against else None
    try:
        return run(args, all_targets([s for s in args.functions.split(",") if s], other))
    finally:
        if other is not None:
            shutil.rmtree(other[1], ignore_errors=True)


def run(args: argparse.Namespace, targets: list[Target]) -> int:
    print(f"{len(targets)} targets; python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f}; "
          f"code under {REPO}", flush=True)
    for target in targets:  # compile and cache bytecode, as a deployed package has it, before any timing
        import_sample(target, xray=False)
    off = measure_imports(targets, args.runs, xray=False)
    on = {} if args.no_xray else measure_imports(targets, args.runs, xray=True)
    within = print_cold(targets, off, on, args.runs)
    print_import_costs(targets, args.top, args.importtime_runs)
    if not args.no_warm:
        print_warm(targets, args.calls)
        overhead = gateway_overhead()
        if overhead is None:
            print("\n(stack not up: skipped the local gateway's overhead; `make up` first)")
        else:
            print(f"\nlocal gateway, GET /api/notifications/health: {overhead['gateway_ms']:.2f} ms through the "
                  f"gateway vs {overhead['in_process_ms']:.2f} ms in-process ({overhead['ratio']:.2f}x)")
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    return 1 if args.check and not within else 0


if __name__ == "__main__":
    sys.exit(main())
