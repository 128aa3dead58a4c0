"""`make load`: seed the load customers, run Locust headless through the gateway, print per-route figures,
optionally inject faults while it runs, then reconcile the ledger (`make audit-ledger`).

    make load                          20 users x 60 s (LOAD_USERS, LOAD_SECONDS, LOAD_SPAWN_RATE override)
    make load FAULTS=1                 the same mix for 300 s with a fault every ~50 s:
                                       PostgreSQL restarted in immediate mode, a gateway worker SIGKILLed in the
                                       middle of transfers, Kafka, Redis and LocalStack each stopped for 30 s

Locust's HTML report and CSV statistics land in `.local/load/` (gitignored), with `summary.md` (the tables
printed at the end, as they go into the README). Rate limits stay on: the 429s are counted per route.
Exits non-zero when the audit finds a break (or Locust could not run).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.load import audit_ledger, seed  # noqa: E402
from tests.support.stack import gateway_url, stack  # noqa: E402

LOAD_DIR = seed.LOAD_DIR
REQUEST_LOG = LOAD_DIR / "requests.jsonl"
OUTAGE_SECONDS = 30.0
WORKER_FUNCTIONS = ("ledger", "customer")  # a worker of each is killed mid-transfer


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    name: str
    at: float  # seconds after the start of the run
    action: Callable[[], None]
    started: float = 0.0  # wall clock
    lifted: float = 0.0
    notes: list[str] = field(default_factory=list)


def stackctl(*args: str) -> None:
    completed = subprocess.run(["python3", str(REPO / "localstack" / "stackctl.py"), *args], cwd=REPO,
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"stackctl {' '.join(args)} failed: {completed.stdout}{completed.stderr}")


def outage(piece: str, seconds: float = OUTAGE_SECONDS) -> Callable[[], None]:
    def act() -> None:
        stackctl("stop", piece)
        time.sleep(seconds)
        stackctl("start", piece)
    return act


def restart_postgres() -> None:
    stackctl("stop", "postgres", "--immediate")
    stackctl("start", "postgres")


def _gateway_workers(function: str) -> list[int]:
    """PIDs of the gateway's worker processes serving `function` (their cwd is the function's folder)."""
    gateway = int((REPO / ".local" / "run" / "gateway.pid").read_text())
    folder = str(REPO / "functions" / function)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == gateway and os.readlink(entry / "cwd") == folder:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def kill_workers() -> None:
    """SIGKILL one warm worker of the ledger and of the customer function while transfers run."""
    for function in WORKER_FUNCTIONS:
        workers = _gateway_workers(function)
        if workers:
            os.kill(max(workers), signal.SIGKILL)


def localstack_outage(people: list[dict[str, Any]], fault_notes: list[str]) -> Callable[[], None]:
    """LocalStack down for 30 s while password-reset mails are asked for: they must arrive afterwards."""
    def act() -> None:
        stackctl("stop", "localstack")
        fault_notes.append(f"{request_mails(people)} reset mail(s) asked while down")
        time.sleep(OUTAGE_SECONDS)
        stackctl("start", "localstack")
    return act


def fault_plan(people: list[dict[str, Any]]) -> list[Fault]:
    mail_notes: list[str] = []
    faults = [
        Fault("PostgreSQL restart (immediate mode)", 25, restart_postgres),
        Fault("gateway workers SIGKILLed (ledger + customer)", 75, kill_workers),
        Fault("Kafka stopped 30 s", 100, outage("kafka")),
        Fault("Redis stopped 30 s", 160, outage("redis")),
        Fault("LocalStack stopped 30 s", 220, localstack_outage(people[:3], mail_notes), notes=mail_notes),
    ]
    return faults


def run_faults(faults: list[Fault], started: float, stop: threading.Event) -> None:
    for fault in faults:
        if stop.wait(max(0.0, started + fault.at - time.time())):
            return
        print(f"[fault +{time.time() - started:5.0f}s] {fault.name} ...", flush=True)
        fault.started = time.time()
        try:
            fault.action()
        except Exception as error:
            fault.notes.append(f"injection failed: {error}")
        fault.lifted = time.time()
        print(f"[fault +{fault.lifted - started:5.0f}s] {fault.name}: lifted after "
              f"{fault.lifted - fault.started:.0f} s", flush=True)


# --------------------------------------------------------------------------- figures


def read_requests(since: float) -> list[dict[str, Any]]:
    if not REQUEST_LOG.is_file():
        return []
    rows = [json.loads(line) for line in REQUEST_LOG.read_text().splitlines() if line.strip()]
    return [row for row in rows if row["t"] >= since]


def is_client_error(row: dict[str, Any]) -> bool:
    """What a client experiences as a failure: no answer, a 5xx, or 'in flight, retry' (409)."""
    return row["status"] == 0 or row["status"] >= 500 or row["status"] == 409


def _server_failures(counts: Counter[int]) -> int:
    return sum(n for status, n in counts.items() if status == 0 or status >= 500)


def route_table(stats_csv: Path, requests: list[dict[str, Any]]) -> str:
    """Locust's per-route figures plus what it does not split out: 429s and 5xx/no-answer attempts."""
    statuses: dict[str, Counter[int]] = defaultdict(Counter)
    for row in requests:
        statuses[row["route"]][row["status"]] += 1
        statuses["Aggregated"][row["status"]] += 1
    lines = ["| route | requests | req/s | p50 ms | p95 ms | p99 ms | failed | 429 | 5xx/no answer |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            name = row["Name"]
            seen = statuses.get(name, Counter())
            label = "**all**" if name == "Aggregated" else name
            lines.append(f"| {label} | {row['Request Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | "
                         f"{row['95%']} | {row['99%']} | {row['Failure Count']} | {seen[429]} | "
                         f"{_server_failures(seen)} |")
    return "\n".join(lines)


def fault_table(faults: list[Fault], requests: list[dict[str, Any]], lost: str) -> str:
    lines = ["| fault | client-visible errors (attempts) | recovery after the fault was lifted | "
             "money / events lost |", "|---|---:|---:|---|"]
    for index, fault in enumerate(faults):
        window_end = faults[index + 1].started if index + 1 < len(faults) and faults[index + 1].started else \
            fault.lifted + 60
        inside = [r for r in requests if fault.started <= r["t"] < window_end]
        errors = [r for r in inside if is_client_error(r)]
        by_kind = Counter("no answer" if r["status"] == 0 else str(r["status"]) for r in errors)
        last_error = max((r["t"] for r in errors), default=fault.lifted)
        recovery = max(0.0, last_error - fault.lifted)
        detail = ", ".join(f"{n}x {kind}" for kind, n in by_kind.most_common()) or "none"
        notes = f" ({'; '.join(fault.notes)})" if fault.notes else ""
        lines.append(f"| {fault.name}{notes} | {len(errors)} ({detail}) | {recovery:.1f} s | {lost} |")
    return "\n".join(lines)


def mails_delivered_after(since: float) -> int:
    """Mails LocalStack's SES accepted since `since` (it forgets earlier ones when it restarts)."""
    try:
        answer = httpx.get(f"{stack()['localstack_url']}/_aws/ses", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return -1
    return sum(1 for m in answer.get("messages", []) if str(m.get("Timestamp", "")) >= time.strftime(
        "%Y-%m-%dT%H:%M:%S", time.gmtime(since)))


def request_mails(people: list[dict[str, Any]]) -> int:
    """Password-reset mails for load customers, asked while LocalStack is down (must arrive later)."""
    sent = 0
    with httpx.Client(base_url=gateway_url(), timeout=30) as http:
        for person in people:
            if http.post("/api/auth/password/forgot", json={"email": person["email"]}).status_code == 202:
                sent += 1
    return sent


# --------------------------------------------------------------------------- main


def run_locust(users: int, spawn_rate: float, seconds: int) -> int:
    command = [str(REPO / ".local" / "venv" / "bin" / "locust"), "-f", str(REPO / "tests" / "load" / "locustfile.py"),
               "--headless", "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
               "--host", gateway_url(), "--html", str(LOAD_DIR / "report.html"), "--csv", str(LOAD_DIR / "stats"),
               "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    env = {**os.environ, "LOAD_USERS_FILE": str(seed.USERS_FILE), "LOAD_REQUEST_LOG": str(REQUEST_LOG)}
    return subprocess.run(command, cwd=REPO, env=env, check=False).returncode


def progress(started: float, stop: threading.Event, seconds: int) -> None:
    while not stop.wait(15):
        rows = read_requests(started)
        elapsed = max(1.0, time.time() - started)
        errors = sum(1 for r in rows if is_client_error(r))
        limited = sum(1 for r in rows if r["status"] == 429)
        print(f"[load +{elapsed:4.0f}s/{seconds}s] {len(rows)} requests, {len(rows) / elapsed:.1f}/s, "
              f"{errors} errors, {limited} rate-limited", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS") or 20))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS") or 0))
    parser.add_argument("--spawn-rate", type=float, default=float(os.environ.get("LOAD_SPAWN_RATE") or 5))
    parser.add_argument("--faults", action="store_true", default=os.environ.get("FAULTS", "") not in ("", "0"))
    args = parser.parse_args(argv)
    seconds = args.seconds or (300 if args.faults else 60)
    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    REQUEST_LOG.unlink(missing_ok=True)
    people = seed.seed(args.users, 2)["customers"]
    faults = fault_plan(people) if args.faults else []
    print(f"load: {args.users} users x {seconds} s through {gateway_url()}"
          f"{' with faults' if faults else ''}", flush=True)
    started = time.time()
    stop = threading.Event()
    threads = [threading.Thread(target=progress, args=(started, stop, seconds), daemon=True)]
    if faults:
        threads.append(threading.Thread(target=run_faults, args=(faults, started, stop), daemon=True))
    for thread in threads:
        thread.start()
    status = run_locust(args.users, args.spawn_rate, seconds)
    stop.set()
    for thread in threads[1:]:
        thread.join(timeout=120)
    requests = read_requests(started)
    stats_csv = LOAD_DIR / "stats_stats.csv"
    if status not in (0, 1) or not stats_csv.is_file():
        print(f"load: locust exited with {status}", file=sys.stderr)
        return status or 1
    routes = route_table(stats_csv, requests)
    print("\n" + routes)
    print("\nload: reconciling the ledger ...", flush=True)
    findings = audit_ledger.audit(audit_ledger.admin_url("ledger"), audit_ledger.admin_url("notifications"),
                                  settle_seconds=180 if faults else 90,
                                  progress=lambda text: print(text, flush=True))
    print(audit_ledger.render(findings))
    broken = [f for f in findings if f.breaks]
    summary = [f"`make load{' FAULTS=1' if faults else ''}`: {args.users} users x {seconds} s, "
               f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}", "", routes]
    if faults:
        lost = "none (audit-ledger green)" if not broken else f"{len(broken)} audit check(s) broken"
        mails = mails_delivered_after(faults[-1].started)
        faults[-1].notes.append(f"{mails} mail(s) in SES after it returned")
        table = fault_table(faults, requests, lost)
        print("\n" + table)
        summary += ["", table]
    (LOAD_DIR / "summary.md").write_text("\n".join(summary) + "\n")
    print(f"\nload: Locust report {(LOAD_DIR / 'report.html').relative_to(REPO)}, summary "
          f"{(LOAD_DIR / 'summary.md').relative_to(REPO)}; audit: "
          f"{'all checks hold' if not broken else f'{len(broken)} check(s) BROKEN'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
