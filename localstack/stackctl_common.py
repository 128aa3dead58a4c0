"""Shared plumbing for the local stack launcher: paths, ports, progress output, stamps, commands, health checks
(the processes it starts: stackctl_processes.py).

Standard library only: this runs with the machine's python3 before any venv exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LOCAL = REPO / ".local"
LOGS = LOCAL / "logs"
RUN = LOCAL / "run"
DATA = LOCAL / "data"
CACHE = LOCAL / "cache"
INSTALL_STAMPS = CACHE / "stamps"
# Run-time stamps live under data/ so that `reset` forgets them together with the data they describe.
RUN_STAMPS = DATA / "stamps"
STACK_ENV = REPO / "localstack" / "stack.env"

# The one list of the bank's services (functions/services.toml).
SERVICES: tuple[str, ...] = tuple(tomllib.loads((REPO / "functions" / "services.toml").read_text())["services"])
# Marks every process we start, so `down` can prove a PID is ours before signalling it.
MARKER_VAR = "BANK_STACK_PIECE"


class StackError(Exception):
    """A failure the launcher reports as one clear message (no traceback)."""


# --------------------------------------------------------------------------- configuration


def load_config() -> dict[str, str]:
    """Ports and settings from stack.env; an environment variable of the same name wins."""
    values: dict[str, str] = {}
    for raw in STACK_ENV.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    for key in list(values):
        if os.environ.get(key):
            values[key] = os.environ[key]
    return values


def port(cfg: dict[str, str], key: str) -> int:
    try:
        return int(cfg[key])
    except (KeyError, ValueError) as exc:
        raise StackError(f"{key} must be a port number (stack.env or environment)") from exc


# --------------------------------------------------------------------------- progress output


class Progress:
    """Prints one line per step with the step's duration and the total elapsed time."""

    def __init__(self, quiet: bool = False) -> None:
        self.started = time.monotonic()
        self.quiet = quiet
        self.tty = sys.stdout.isatty()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self, name: str, status: str, seconds: float | None = None) -> None:
        took = f" ({seconds:.1f}s)" if seconds is not None else ""
        self._clear()
        print(f"[{self.elapsed():6.1f}s] {name:<26} {status}{took}", flush=True)

    def info(self, text: str) -> None:
        if not self.quiet:
            self._clear()
            print(text, flush=True)

    def warn(self, text: str) -> None:
        self._clear()
        print(f"           WARNING: {text}", flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, str]]:
        """Run a step; the body sets result['status'] (default 'ok')."""
        result = {"status": "ok"}
        begin = time.monotonic()
        if self.tty:  # a transient "running" line so long steps do not look frozen
            sys.stdout.write(f"[{self.elapsed():6.1f}s] {name:<26} ...\r")
            sys.stdout.flush()
        try:
            yield result
        except BaseException:
            self.line(name, "FAILED", time.monotonic() - begin)
            raise
        # A step may report its own duration (a piece launched earlier counts from its launch).
        took = float(result["took"]) if "took" in result else time.monotonic() - begin
        self.line(name, result["status"], took)

    def _clear(self) -> None:
        if self.tty:
            sys.stdout.write("\r\033[K")


# --------------------------------------------------------------------------- stamps (skip unchanged work)


def digest(*parts: str | bytes | Path | None) -> str:
    """Hash strings, bytes and file contents (a missing file hashes as 'missing')."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            h.update(str(part).encode())
            h.update(part.read_bytes() if part.is_file() else b"<missing>")
        elif isinstance(part, bytes):
            h.update(part)
        else:
            h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def tree_digest(root: Path, skip_dirs: Iterable[str] = ()) -> str:
    """Cheap fingerprint of a directory tree (paths, sizes, mtimes)."""
    skipped = set(skip_dirs)
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skipped)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def stamp_matches(folder: Path, name: str, key: str) -> bool:
    path = folder / f"{name}.stamp"
    return path.is_file() and path.read_text().strip() == key


def write_stamp(folder: Path, name: str, key: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.stamp").write_text(key + "\n")


# --------------------------------------------------------------------------- files


def write_if_changed(path: Path, text: str, mode: int | None = None) -> bool:
    """Write only on change so that watchers (the gateway) do not see spurious updates."""
    if path.is_file() and path.read_text() == text:
        if mode is not None:
            path.chmod(mode)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # Create with the final mode from the start: secrets are never briefly world-readable.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode if mode is not None else 0o644)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    if mode is not None:
        tmp.chmod(mode)
    tmp.replace(path)
    return True


def write_json(path: Path, data: Any, mode: int | None = None) -> bool:
    return write_if_changed(path, json.dumps(data, indent=2, sort_keys=False) + "\n", mode)


def log_tail(path: Path, lines: int = 25) -> str:
    if not path.is_file():
        return f"(no log at {path})"
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - 16384))
        text = fh.read().decode(errors="replace")
    tail = text.splitlines()[-lines:]
    return "\n".join(f"    | {t}" for t in tail)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- subprocesses


def run(cmd: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float | None = None, what: str | None = None, input_text: str | None = None,
        check: bool = True, on_line: Callable[[str], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; on failure raise StackError with the tail of its output.
    `on_line` receives each output line as it comes (progress of a long command)."""
    try:
        if on_line is not None:
            proc = _run_streaming(list(cmd), cwd=cwd, env=env, timeout=timeout, on_line=on_line)
        else:
            proc = subprocess.run(
                list(cmd), check=False, cwd=cwd, env=env, timeout=timeout, text=True, input=input_text,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )
    except FileNotFoundError as exc:
        raise StackError(f"{what or cmd[0]}: command not found ({cmd[0]})") from exc
    except subprocess.TimeoutExpired as exc:
        raise StackError(f"{what or cmd[0]}: timed out after {timeout}s") from exc
    if check and proc.returncode != 0:
        tail = "\n".join(f"    | {t}" for t in (proc.stdout or "").splitlines()[-30:])
        raise StackError(f"{what or ' '.join(cmd)} failed (exit {proc.returncode}):\n{tail}")
    return proc


def _run_streaming(cmd: list[str], *, cwd: Path | None, env: dict[str, str] | None, timeout: float | None,
                   on_line: Callable[[str], None]) -> subprocess.CompletedProcess[str]:
    lines: list[str] = []
    expired = threading.Event()
    with subprocess.Popen(cmd, cwd=cwd, env=env, text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT) as proc:
        def expire() -> None:
            expired.set()
            proc.kill()

        watchdog = threading.Timer(timeout, expire) if timeout is not None else None
        if watchdog is not None:
            watchdog.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                on_line(line.rstrip("\n"))
            proc.wait()
        finally:
            if watchdog is not None:
                watchdog.cancel()
    if expired.is_set():
        raise subprocess.TimeoutExpired(cmd, timeout or 0)
    return subprocess.CompletedProcess(cmd, proc.returncode, "".join(lines), None)


# --------------------------------------------------------------------------- health checks


def tcp_open(port_number: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port_number), timeout=timeout):
            return True
    except OSError:
        return False


def http_json(url: str, timeout: float = 2.0) -> Any:
    """GET a JSON document; None on any error (used by health checks)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - our own http:// URLs
            if resp.status != 200:
                return None
            body = resp.read()
    except (OSError, urllib.error.URLError, ValueError):
        return None
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}




def python_module_exists(module: str) -> bool:
    """Does localstack/<module>.py or localstack/<module>/ exist (a piece someone else writes)?"""
    base = REPO / "localstack"
    return (base / f"{module}.py").is_file() or (base / module / "__init__.py").is_file() \
        or (base / module / "__main__.py").is_file()
