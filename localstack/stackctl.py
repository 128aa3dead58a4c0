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
import glob
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

# The script's own folder is on sys.path when run as `python3 localstack/stackctl.py`.
import stackctl_pg as pg
from stackctl_common import (
    DATA,
    LOCAL,
    LOGS,
    REPO,
    RUN,
    RUN_STAMPS,
    SERVICES,
    Progress,
    StackError,
    digest,
    http_json,
    load_config,
    port,
    rel,
    run,
    running_pid,
    spawn,
    stamp_matches,
    stop_process,
    tcp_open,
    wait_until,
    write_stamp,
)
from stackctl_config import (
    AWS_SECRETS_FILE,
    STACK_FILE,
    ensure_secrets,
    generated_paths,
    write_generated,
)
from stackctl_install import VENV, install
from stackctl_kafka import KafkaAdminError, ensure_topics
from stackctl_pieces import KAFKA, LOCALSTACK, Piece, base_env, wanted_topics
from stackctl_standins import BACKGROUND, LATE

INIT_SCRIPT = REPO / "localstack" / "init" / "init_aws.py"
SEED_SCRIPT = REPO / "localstack" / "seed.py"
_FIND_MIGRATIONS = (
    "import importlib.util as u, sys\n"
    "try:\n sys.exit(0 if u.find_spec('bank_shared.migrations') else 3)\n"
    "except ImportError:\n sys.exit(3)"
)


# --------------------------------------------------------------------------- up


class Up:
    """One `up` run: remembers what it did for the summary."""

    def __init__(self, quiet: bool) -> None:
        self.progress = Progress(quiet)
        self.cfg = load_config()
        self.sec: dict[str, Any] = {}
        self.state: dict[str, str] = {}
        self.pids: dict[str, int] = {}
        self.launched: dict[str, float] = {}

    def run(self) -> None:
        install(self.progress)
        self.secrets()
        self.postgres()
        # Start the independent pieces together, then wait for each in order: their start-ups overlap.
        early = [p for p in BACKGROUND if p not in LATE]
        for piece in early:
            self.launch(piece)
        for piece in early:
            self.await_healthy(piece)
            if piece is KAFKA and piece.name in self.pids:
                self.kafka_topics()
            if piece is LOCALSTACK and piece.name in self.pids:
                self.init_aws()
        self.migrations()
        for piece in LATE:
            self.launch(piece)
        for piece in LATE:
            self.await_healthy(piece)
        self.seed()
        self.summary()

    # -- steps ---------------------------------------------------------------

    def secrets(self) -> None:
        with self.progress.step("secrets + config files") as result:
            self.sec, created = ensure_secrets()
            changed = write_generated(self.cfg, self.sec)
            parts = ["generated .local/secrets.json" if created else "kept .local/secrets.json"]
            if changed:
                parts.append("wrote " + ", ".join(changed))
            result["status"] = "; ".join(parts)

    def postgres(self) -> None:
        with self.progress.step(f"postgres :{port(self.cfg, 'PG_PORT')}") as result:
            created = pg.initdb(self.sec["postgres"]["admin_password"])
            pg.write_config(self.cfg)
            pid = pg.postmaster_pid()
            if pid and pg.healthy(self.cfg):
                pg.reload()  # picks up pg_hba.conf changes; port changes need down/up
                result["status"] = f"already running (pid {pid})"
            elif pid:
                raise StackError(f"PostgreSQL runs (pid {pid}) but does not answer on port "
                                 f"{port(self.cfg, 'PG_PORT')}; after a port change run `make down` first")
            else:
                self.ensure_port_free("postgres", "PG_PORT")
                pg.start()
                pid = pg.postmaster_pid()
                result["status"] = f"{'initialised + ' if created else ''}started (pid {pid})"
            if pid:
                self.pids["postgres"] = pid
                RUN.mkdir(parents=True, exist_ok=True)
                (RUN / "postgres.pid").write_text(f"{pid}\n")
            pg.provision(self.cfg, self.sec)
            self.state["postgres"] = "healthy"

    def launch(self, piece: Piece) -> None:
        """Spawn a piece unless it already runs (or cannot run yet: someone else's module is missing)."""
        reason = piece.missing()
        if reason:
            self.state[piece.name] = "skipped"
            self.progress.line(piece.name, f"SKIPPED: {reason}")
            return
        pid = running_pid(piece.name, piece.cmd_token)
        config = piece.config() if piece.config else None
        if pid and config is not None and not stamp_matches(RUN_STAMPS, f"{piece.name}-config", config):
            stopped = stop_process(piece.name, piece.cmd_token)
            self.progress.line(piece.name, f"configuration changed: restarting ({stopped})")
            pid = None
        if pid:
            self.pids[piece.name] = pid
            self.state[piece.name] = "running"
            return
        self.ensure_port_free(piece.name, piece.port_key)
        cmd, env, cwd = piece.command(self.cfg)
        self.launched[piece.name] = time.monotonic()
        self.pids[piece.name] = spawn(piece.name, cmd, env=env, cwd=cwd)
        self.state[piece.name] = "starting"
        if config is not None:
            write_stamp(RUN_STAMPS, f"{piece.name}-config", config)

    def await_healthy(self, piece: Piece) -> None:
        if self.state.get(piece.name) == "skipped":
            return
        pid = self.pids[piece.name]
        label = f"{piece.name} :{port(self.cfg, piece.port_key)}"
        with self.progress.step(label) as result:
            was_running = self.state[piece.name] == "running"
            if was_running and piece.healthy(self.cfg):
                result["status"] = f"already running (pid {pid})"
            elif piece.healthy(self.cfg):  # became ready while earlier steps ran
                result["status"] = f"started (pid {pid})"
            else:
                try:
                    wait_until(lambda: piece.healthy(self.cfg), piece=piece.name, timeout=piece.timeout, pid=pid)
                except StackError as exc:
                    hint = "\n(it was already running: if its configuration changed, run `make down` first)"
                    raise StackError(f"{exc}{hint if was_running else ''}") from exc
                result["status"] = f"{'was starting, now healthy' if was_running else 'started'} (pid {pid})"
                if piece.name in self.launched:
                    result["took"] = f"{time.monotonic() - self.launched[piece.name]:.3f}"
            self.state[piece.name] = "healthy"

    def ensure_port_free(self, name: str, key: str) -> None:
        number = port(self.cfg, key)
        if tcp_open(number):
            raise StackError(f"{name}: port {number} is already used by a process this launcher did not "
                             f"start. Stop it, or choose another port: {key}=<port> make up")

    def kafka_topics(self) -> None:
        with self.progress.step("kafka topics") as result:
            wanted = wanted_topics()
            try:
                created = ensure_topics("127.0.0.1", port(self.cfg, "KAFKA_PORT"), wanted)
            except KafkaAdminError as exc:
                raise StackError(f"creating Kafka topics failed: {exc}") from exc
            result["status"] = f"created {len(created)}, {len(wanted)} in total" if created else \
                f"all {len(wanted)} present"

    def init_aws(self) -> None:
        if not INIT_SCRIPT.is_file():
            self.progress.line("localstack init", f"SKIPPED: {rel(INIT_SCRIPT)} not written yet")
            return
        with self.progress.step("localstack init") as result:
            # LocalStack keeps no state across restarts: re-seed whenever it (or the inputs) changed.
            key = digest(INIT_SCRIPT, AWS_SECRETS_FILE, str(self.pids.get(LOCALSTACK.name)),
                         *sorted(Path(p) for p in glob.glob(str(INIT_SCRIPT.parent / "**" / "*"), recursive=True)))
            if stamp_matches(RUN_STAMPS, "init-aws", key):
                result["status"] = "already seeded"
                return
            env = base_env()
            env.update({
                "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port(self.cfg, 'LOCALSTACK_PORT')}",
                "AWS_DEFAULT_REGION": self.cfg["AWS_DEFAULT_REGION"], "AWS_REGION": self.cfg["AWS_DEFAULT_REGION"],
                "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                "BANK_SECRETS_FILE": str(AWS_SECRETS_FILE), "BANK_STACK_FILE": str(STACK_FILE),
                "BANK_SERVICES": ",".join(SERVICES),  # from functions/services.toml
                "PYTHONPATH": str(REPO / "localstack"),  # init_aws.py imports localstack_session
            })
            run([str(VENV / "bin" / "python"), str(INIT_SCRIPT)], env=env, cwd=REPO, what="init_aws.py",
                timeout=300)
            write_stamp(RUN_STAMPS, "init-aws", key)
            result["status"] = "seeded S3/SQS/SES/SSM/secrets/KMS keys"

    def migrations(self) -> None:
        python = VENV / "bin" / "python"
        probe = subprocess.run(
            [str(python), "-c", _FIND_MIGRATIONS],
            capture_output=True, check=False, cwd=REPO, env=base_env())
        if probe.returncode != 0:
            self.progress.line("migrations", "SKIPPED: bank_shared.migrations not importable yet")
            return
        with self.progress.step("migrations") as result:
            files = [*REPO.glob("functions/*/*/migrations/**/*.sql"), *REPO.glob("functions/*/*/migrations/**/*.py"),
                     *REPO.glob("shared/bank_shared/migrations/**/*.py"), *REPO.glob("shared/bank_shared/sql/*.sql")]
            # Keyed by the postmaster PID too: after a restart we re-check cheaply rather than assume.
            key = digest(STACK_FILE, str(self.pids.get("postgres")), *sorted(f for f in files if f.is_file()))
            if stamp_matches(RUN_STAMPS, "migrations", key):
                result["status"] = "up to date"
                return
            # Alembic upgrade per service (bank_shared.migrations), its progress shown line by line.
            run([str(python), "-m", "bank_shared.migrations", "upgrade", "--stack-file", str(STACK_FILE)], cwd=REPO,
                env=base_env(), what="migrations", timeout=600,
                on_line=lambda line: self.progress.info(f"{'':11}{line}"))
            write_stamp(RUN_STAMPS, "migrations", key)
            result["status"] = "every service at head"

    def seed(self) -> None:
        if not SEED_SCRIPT.is_file():
            self.progress.line("demo data", "SKIPPED: localstack/seed.py not written yet")
            return
        with self.progress.step("demo data") as result:
            service_seeds = sorted(REPO.glob("localstack/demo_seed/*.py"))
            key = digest(SEED_SCRIPT, STACK_FILE, *(str(self.pids.get(n)) for n in ("postgres", "localstack")),
                         *service_seeds)
            if stamp_matches(RUN_STAMPS, "seed", key):
                result["status"] = "already seeded"
                return
            env = base_env()
            env.update({"BANK_STACK_FILE": str(STACK_FILE), "PYTHONPATH": str(REPO / "localstack")})
            run([str(VENV / "bin" / "python"), str(SEED_SCRIPT)], env=env, cwd=REPO, what="seed.py", timeout=600)
            write_stamp(RUN_STAMPS, "seed", key)
            result["status"] = "seeded"

    # -- summary -------------------------------------------------------------

    def summary(self) -> None:
        total = self.progress.elapsed()
        skipped = [n for n, s in self.state.items() if s == "skipped"]
        if self.progress.quiet:
            extra = f"; skipped: {', '.join(skipped)}" if skipped else ""
            print(f"stack up in {total:.1f}s{extra}", flush=True)
            return
        cfg = self.cfg
        gw = f"http://{cfg.get('GATEWAY_HOST', '127.0.0.1')}:{port(cfg, 'GATEWAY_PORT')}"
        ls = f"http://127.0.0.1:{port(cfg, 'LOCALSTACK_PORT')}"
        print("\nLocal stack")
        rows = [("postgres", f"127.0.0.1:{port(cfg, 'PG_PORT')} (one database + role per service)")]
        rows += [(p.name, p.url(cfg)) for p in BACKGROUND]
        for name, where in rows:
            print(f"  {name:<16} {self.state.get(name, '?'):<9} {where}")
        print(f"\n  Web app (SPA)   {gw}/banking-service")
        print(f"  API base        {gw}/api")
        print(f"  LocalStack      {ls}   (SES outbox: {ls}/_aws/ses)")
        print(f"  Connection info {rel(STACK_FILE)}   Logs: make logs   Stop: make down")
        print("\n  Demo users (also in .local/secrets.json):")
        for role, user in self.sec.get("demo_users", {}).items():
            print(f"    {role:<9} {user['email']:<22} {user['password']}")
        print(f"\nmake up wall time: {total:.1f}s", flush=True)


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
