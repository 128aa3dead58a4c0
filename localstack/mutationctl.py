"""`make mutation`: mutation testing (mutmut) of the money and security paths against the unit tier.

mutmut names a mutant after the module path it finds on disk, so the code under test is staged where its
packages are top-level: `.local/mutation/` gets copies of the packages and of `tests/`, a `pyproject.toml` with
the mutmut settings, and an empty `mutants/` (created first: Python caches a missing `sys.path` entry as
absent). mutmut then mutates the listed modules and runs, for each mutant, the unit tests that reach the
function it changed. Bounded by MUTATION_SECONDS (default 1200). Prints killed / survived / untested per module,
the score (killed over mutants some test reached), and writes every survivor to `.local/mutation/survivors.txt`.
Not part of `make test` (minutes of CPU); docs/testing.md holds the latest figures.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STAGE = REPO / ".local" / "mutation"
# Every package the selected tests import is staged (a test may import a neighbour), only MODULES are mutated.
PACKAGES = {"bank_shared": REPO / "shared" / "bank_shared",
            **{p.name: p for p in sorted(REPO.glob("functions/*/*_service")) if p.is_dir()}}
MODULES = ["bank_shared/idempotency.py", "ledger_service/service.py", "accounts_service/service.py",
           "auth_service/service.py"]
TESTS = ["tests/unit/ledger", "tests/unit/accounts", "tests/unit/auth", "tests/unit/shared"]
# Tests that read the repository's layout (SQL files, every module's source), which the stage does not mirror.
LAYOUT_TESTS = ["tests/unit/shared/test_migrations_plan.py", "tests/unit/shared/test_snapstart.py"]


def stage() -> None:
    shutil.rmtree(STAGE, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name, source in PACKAGES.items():
        shutil.copytree(source, STAGE / name, ignore=ignore)
    shutil.copytree(REPO / "tests", STAGE / "tests", ignore=ignore)
    quoted = ", ".join(f'"{item}"' for item in MODULES)
    selection = ", ".join(f'"{item}"' for item in TESTS)
    copied = ", ".join(f'"{item}"' for item in ["tests", *PACKAGES])
    (STAGE / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        f"source_paths = [{quoted}]\n"
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", '
        + ", ".join(f'"--ignore={item}"' for item in LAYOUT_TESTS) + "]\n"
        f"also_copy = [{copied}]\n\n"
        # The local tooling some unit tests import (the gateway's event builder) from the repository itself.
        f'[tool.pytest.ini_options]\npythonpath = ["{REPO / "localstack"}"]\n')
    (STAGE / "mutants").mkdir()


def mutmut(*args: str, timeout: float | None = None) -> tuple[int | None, str]:
    """(exit code, output) of one mutmut command in the stage; None when the bound stopped it (with the worker
    processes it forked: they share its session)."""
    env = {**os.environ, "PYTHONPATH": str(STAGE / "mutants")}
    log = STAGE / "mutmut.log"
    with log.open("a") as out:
        process = subprocess.Popen([str(Path(sys.executable).with_name("mutmut")), *args], cwd=STAGE, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            code = None
    return code, log.read_text(errors="replace")


def tally(results: str) -> dict[str, collections.Counter[str]]:
    """{module: Counter(outcome)} from `mutmut results --all true` lines (`<module>.x_<fn>__mutmut_<n>: <outcome>`)."""
    per_module: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in results.splitlines():
        name, _, outcome = line.strip().partition(": ")
        if "__mutmut_" in name and outcome:
            module = name.rsplit(".", 1)[0]
            per_module[module][outcome] += 1
    return per_module


def report(per_module: dict[str, collections.Counter[str]], survivors: list[str]) -> None:
    print(f"\n{'module':28} {'killed':>7} {'survived':>9} {'no tests':>9} {'other':>6} {'score':>7}")
    total: collections.Counter[str] = collections.Counter()
    for module in sorted(per_module):
        counts = per_module[module]
        total.update(counts)
        print(row(module, counts))
    print(row("all", total))
    (STAGE / "survivors.txt").write_text("\n".join(survivors) + "\n")
    print(f"\nscore = killed / (killed + survived): mutants no unit test reaches are counted apart ('no tests');"
          f"\n{len(survivors)} survivors listed in {STAGE.relative_to(REPO)}/survivors.txt "
          f"(`cd {STAGE.relative_to(REPO)} && mutmut show <name>` prints one)")


def row(label: str, counts: collections.Counter[str]) -> str:
    killed, survived, untested = counts["killed"], counts["survived"], counts["no tests"]
    other = sum(counts.values()) - killed - survived - untested
    score = f"{100 * killed / (killed + survived):.0f}%" if killed + survived else "-"
    return f"{label:28} {killed:7} {survived:9} {untested:9} {other:6} {score:>7}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("MUTATION_SECONDS", "1200")))
    args = parser.parse_args()
    started = time.monotonic()
    print(f"staging {', '.join(MODULES)} with {', '.join(TESTS)} in {STAGE.relative_to(REPO)}", flush=True)
    stage()
    print(f"mutmut run (bounded at {args.seconds:.0f} s) ...", flush=True)
    code, output = mutmut("run", "--max-children", str(os.cpu_count() or 2), timeout=args.seconds)
    if code is None:
        print("  stopped at the bound: the figures below cover the mutants run so far", flush=True)
    elif code != 0:
        print(output[-3000:], file=sys.stderr)
        return code
    (STAGE / "mutmut.log").unlink()
    _, results = mutmut("results", "--all", "true")
    per_module = tally(results)
    if not per_module:
        print(output[-3000:], file=sys.stderr)
        return 1
    survivors = sorted(line.split(":")[0].strip() for line in results.splitlines() if line.endswith(": survived"))
    report(per_module, survivors)
    print(f"\nmutation run {'bounded' if code is None else 'finished'} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
