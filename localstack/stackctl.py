#!/usr/bin/env python3
"""Local stack launcher: PostgreSQL, Redis, Kafka, LocalStack, the Frankfurter stand-in and the
API Gateway emulator as plain local processes (no Docker). Standard library only.

Commands (the Makefile calls these):
  install        OS packages, Kafka jars, .local/venv (project) and .local/venv-localstack, frontend build.
                 Each step is skipped when its inputs did not change (stamps in .local/cache/stamps).
  up [--quiet]   install, then start every piece that is not already running and healthy, wait for
                 health, create databases/roles/topics, seed LocalStack, run migrations and demo data.
                 Running pieces are left alone, so `up` is idempotent and fast when warm.
  down           stop exactly the processes `up` started (PIDs in .local/run/*.pid, verified).
  status         table of pieces; exits 1 when an expected piece is down.
  logs [piece]   tail -F .local/logs/*.log (or one piece's log).
  logs --request-id ID
                 one request's log lines as they reached the HEC stand-in (Splunk's place locally).
  reset          down, then delete .local/data and the generated secrets/config (venvs and caches stay).
  stop PIECE [--immediate]
                 stop one piece (postgres, redis, kafka, localstack, frankfurter, redis-commander, hec, push,
                 card-network, gateway); postgres with --immediate stops without a checkpoint, as a crash would
                 (fault drills: `make load FAULTS=1`).
  start PIECE    start one stopped piece and redo what `up` does after it (Kafka topics; LocalStack's
                 resources and the seeds, which LocalStack forgets); a running piece is left alone.

Ports come from localstack/stack.env; an environment variable of the same name overrides each one.
Changing a port or other piece configuration while the stack runs needs `make down && make up`:
`up` never restarts a healthy piece. Everything generated lives in .local/ (gitignored).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import sys
import urllib.parse
from typing import Any

# The script's own folder is on sys.path when run as `python3 localstack/stackctl.py`.
import stackctl_pg as pg
from stackctl_common import DATA, LOCAL, LOGS, RUN, Progress, StackError, http_json, load_config, port, rel
from stackctl_config import (
    ensure_secrets,
    generated_paths,
)
from stackctl_install import install
from stackctl_pieces import KAFKA, LOCALSTACK, Piece
from stackctl_processes import running_pid, stop_process
from stackctl_standins import BACKGROUND
from stackctl_up import Up

# --------------------------------------------------------------------------- down / status / logs / reset


def cmd_down() -> int:
    progress = Progress()
    for piece in reversed(BACKGROUND):
        with progress.step(f"stop {piece.name}") as result:
            result["status"] = stop_process(piece.name, piece.cmd_token)
    with progress.step("stop postgres") as result:
        result["status"] = pg.stop()
        (RUN / "postgres.pid").unlink(missing_ok=True)
    print(f"stack down in {progress.elapsed():.1f}s")
    return 0


def _status_rows(cfg: dict[str, str]) -> list[tuple[str, str, int, str, bool]]:
    """(piece, pid, port, healthy-word, expected)."""
    rows = []
    pg_pid = pg.postmaster_pid()
    rows.append(("postgres", str(pg_pid or "-"), port(cfg, "PG_PORT"),
                 "yes" if pg.healthy(cfg) else "no", True))
    for piece in BACKGROUND:
        pid = running_pid(piece.name, piece.cmd_token)
        missing = piece.missing()
        healthy = bool(pid) and piece.healthy(cfg)
        word = "yes" if healthy else ("n/a (" + missing + ")" if missing and not pid else "no")
        rows.append((piece.name, str(pid or "-"), port(cfg, piece.port_key), word, not missing))
    return rows


def cmd_status() -> int:
    cfg = load_config()
    rows = _status_rows(cfg)
    print(f"{'piece':<16} {'pid':>8} {'port':>6}  healthy")
    for name, pid, number, word, _ in rows:
        print(f"{name:<16} {pid:>8} {number:>6}  {word}")
    down = [name for name, _, _, word, expected in rows if expected and word != "yes"]
    if down:
        print(f"\nnot healthy: {', '.join(down)} (start with `make up`)")
        return 1
    return 0


REQUEST_LOG_KEYS = ("http_method", "http_path", "http_status", "duration_ms", "consumer", "exception_name")


def cmd_request_logs(request_id: str) -> int:
    """Every line the HEC stand-in received for one request id (through logs.app and Kafka Connect), in time
    order: `make logs REQUEST_ID=...`."""
    cfg = load_config()
    query = urllib.parse.urlencode({"request_id": request_id})
    found = http_json(f"http://127.0.0.1:{port(cfg, 'HEC_PORT')}/__events?{query}", timeout=5.0)
    if found is None:
        print("the HEC stand-in does not answer (is the stack up? `make status`)", file=sys.stderr)
        return 1
    events = sorted(found.get("events", []), key=lambda e: (e.get("time") or 0, e.get("received_at") or 0))
    if not events:
        print(f"no log lines for request id {request_id!r} in the HEC stand-in (yet)", file=sys.stderr)
        return 1
    for entry in events:
        event = entry.get("event")
        record = event if isinstance(event, dict) else {"message": str(event)}
        print(" ".join(str(part) for part in (
            record.get("timestamp") or entry.get("time") or "", f"{record.get('service', '-'):<13}",
            f"{record.get('level', '-'):<7}", record.get("message", ""),
            *(f"{k}={record[k]}" for k in REQUEST_LOG_KEYS if record.get(k) is not None))))
    print(f"\n{len(events)} lines", file=sys.stderr)
    return 0


def cmd_logs(piece: str | None) -> int:
    if piece:
        files = [LOGS / f"{piece}.log"]
        if not files[0].is_file():
            known = ", ".join(sorted(p.stem for p in LOGS.glob("*.log"))) or "none yet"
            print(f"no log for {piece!r} (known: {known})", file=sys.stderr)
            return 1
    else:
        files = sorted(LOGS.glob("*.log"))
        if not files:
            print("no logs yet (run `make up`)", file=sys.stderr)
            return 1
    os.execvp("tail", ["tail", "-n", "50", "-F", *map(str, files)])  # noqa: S606 - replaces this process
    return 0  # not reached


def cmd_reset() -> int:
    cmd_down()
    removed = []
    pg_base = pg.base_dir()
    targets = [DATA, *generated_paths(), RUN]
    if pg_base != DATA:
        targets.append(pg_base)
    for path in targets:
        if path.is_dir():
            shutil.rmtree(path)
            removed.append(rel(path) + "/")
        elif path.exists():
            path.unlink()
            removed.append(rel(path))
    print("removed: " + (", ".join(removed) if removed else "nothing"))
    print(f"kept: {rel(LOCAL / 'venv')}, {rel(LOCAL / 'venv-localstack')}, {rel(LOCAL / 'cache')}, logs")
    return 0


PIECE_NAMES = ("postgres", *(piece.name for piece in BACKGROUND))


def _piece(name: str) -> Piece:
    return next(piece for piece in BACKGROUND if piece.name == name)


def cmd_stop_piece(name: str, immediate: bool) -> int:
    progress = Progress()
    with progress.step(f"stop {name}") as result:
        if name == "postgres":
            result["status"] = pg.stop("immediate" if immediate else "fast")
            (RUN / "postgres.pid").unlink(missing_ok=True)
        else:
            piece = _piece(name)
            result["status"] = stop_process(piece.name, piece.cmd_token)
    return 0


def cmd_start_piece(name: str) -> int:
    up = Up(quiet=True)
    up.sec, _ = ensure_secrets()
    if name == "postgres":
        up.postgres()
        return 0
    piece = _piece(name)
    for other in BACKGROUND:  # the seeds' stamps are keyed by these pids
        pid = running_pid(other.name, other.cmd_token)
        if pid:
            up.pids[other.name] = pid
    up.pids["postgres"] = pg.postmaster_pid() or 0
    up.launch(piece)
    up.await_healthy(piece)
    if piece is KAFKA:
        up.kafka_topics()
    if piece is LOCALSTACK:
        up.init_aws()
        up.seed()
    return 0


def cmd_install() -> int:
    progress = Progress()
    install(progress)
    print(f"install done in {progress.elapsed():.1f}s")
    return 0


_LOCK_HANDLE: list[Any] = []


def _lock() -> None:
    """Serialise install/up/down/reset: two `make up` at once would start everything twice."""
    LOCAL.mkdir(parents=True, exist_ok=True)
    handle = (LOCAL / "stackctl.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("waiting for another stackctl run (install/up/down/reset) to finish ...", flush=True)
        fcntl.flock(handle, fcntl.LOCK_EX)
    _LOCK_HANDLE.append(handle)  # held until the process exits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stackctl.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install/refresh dependencies (idempotent)")
    up = sub.add_parser("up", help="install, then start everything not already running")
    up.add_argument("--quiet", action="store_true", help="only step lines and a one-line summary")
    sub.add_parser("down", help="stop everything this launcher started")
    sub.add_parser("status", help="table of pieces; non-zero exit when one is down")
    logs = sub.add_parser("logs", help="tail -F the logs")
    logs.add_argument("piece", nargs="?", help=", ".join(PIECE_NAMES))
    logs.add_argument("--request-id", help="print one request's lines from the HEC stand-in instead")
    sub.add_parser("reset", help="down + delete data and generated secrets (keeps venvs/caches)")
    stop = sub.add_parser("stop", help="stop one piece (fault drills)")
    stop.add_argument("piece", choices=PIECE_NAMES)
    stop.add_argument("--immediate", action="store_true", help="postgres: stop without a checkpoint (a crash)")
    start = sub.add_parser("start", help="start one stopped piece and redo its set-up")
    start.add_argument("piece", choices=PIECE_NAMES)
    args = parser.parse_args(argv)
    try:
        if args.command in ("install", "up", "down", "reset", "stop", "start"):
            _lock()
        if args.command == "stop":
            return cmd_stop_piece(args.piece, args.immediate)
        if args.command == "start":
            return cmd_start_piece(args.piece)
        if args.command == "up":
            Up(args.quiet).run()
            return 0
        handlers = {"install": cmd_install, "down": cmd_down, "status": cmd_status, "reset": cmd_reset}
        if args.command == "logs":
            return cmd_request_logs(args.request_id) if args.request_id else cmd_logs(args.piece)
        return handlers[args.command]()
    except StackError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; pieces already started keep running (`make down` stops them)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
