"""`stackctl.py up`: start every piece that is not already running and healthy, wait for health, create the
topics, seed LocalStack, run the migrations and the demo data; print where to open the bank."""

from __future__ import annotations

import glob
import subprocess
import time
from pathlib import Path
from typing import Any

import stackctl_pg as pg
from stackctl_common import (
    REPO,
    RUN,
    RUN_STAMPS,
    SERVICES,
    Progress,
    StackError,
    digest,
    load_config,
    port,
    rel,
    run,
    stamp_matches,
    tcp_open,
    write_stamp,
)
from stackctl_config import AWS_SECRETS_FILE, STACK_FILE, ensure_secrets, write_generated
from stackctl_install import VENV, install
from stackctl_kafka import KafkaAdminError, ensure_topics
from stackctl_pieces import KAFKA, LOCALSTACK, Piece, base_env, wanted_topics
from stackctl_processes import running_pid, spawn, stop_process, wait_until
from stackctl_standins import BACKGROUND, LATE

INIT_SCRIPT = REPO / "localstack" / "init" / "init_aws.py"
SEED_SCRIPT = REPO / "localstack" / "seed.py"
_FIND_MIGRATIONS = (
    "import importlib.util as u, sys\n"
    "try:\n sys.exit(0 if u.find_spec('bank_shared.migrations') else 3)\n"
    "except ImportError:\n sys.exit(3)"
)


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
