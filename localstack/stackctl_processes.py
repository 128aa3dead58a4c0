"""The processes the local stack launcher starts: spawned in their own session with a marker, found again by
PID file and marker, and stopped with their whole process group.

Standard library only: this runs with the machine's python3 before any venv exists.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from stackctl_common import LOCAL, LOGS, MARKER_VAR, REPO, RUN, StackError, log_tail, rel


def marker(piece: str) -> str:
    return f"{piece}@{REPO}"


def pid_file(piece: str) -> Path:
    return RUN / f"{piece}.pid"


def spawn(piece: str, cmd: Sequence[str], *, env: dict[str, str], cwd: Path) -> int:
    """Start a long-running piece in its own session, output to .local/logs/<piece>.log."""
    LOGS.mkdir(parents=True, exist_ok=True)
    RUN.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{piece}.log"
    full_env = dict(env)
    full_env[MARKER_VAR] = marker(piece)
    with log_path.open("ab") as log:
        log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {piece}: {' '.join(cmd)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True, close_fds=True,
        )
    pid_file(piece).write_text(f"{proc.pid}\n")
    return proc.pid


def _proc_file(pid: int, name: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return b""


def is_ours(pid: int, piece: str, cmd_token: str) -> bool:
    """True if pid is alive, runs our command, and carries our marker for this repo."""
    cmdline = _proc_file(pid, "cmdline").replace(b"\0", b" ").decode(errors="replace")
    if not cmdline or cmd_token not in cmdline:
        return False
    environ = _proc_file(pid, "environ").split(b"\0")
    if f"{MARKER_VAR}={marker(piece)}".encode() in environ:
        return True
    # redis-server rewrites its title over the environ area, so fall back to its working directory,
    # which is inside this repo's .local/ for every piece we start.
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False
    return cwd == str(LOCAL) or cwd.startswith(str(LOCAL) + os.sep)


def is_zombie(pid: int) -> bool:
    stat = _proc_file(pid, "stat").decode(errors="replace")
    return ") Z" in stat or not stat


def read_pid(piece: str) -> int | None:
    path = pid_file(piece)
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def running_pid(piece: str, cmd_token: str) -> int | None:
    """The PID from the pid file if it is still our process; a stale file is removed."""
    pid = read_pid(piece)
    if pid is None:
        return None
    if is_ours(pid, piece, cmd_token) and not is_zombie(pid):
        return pid
    pid_file(piece).unlink(missing_ok=True)
    return None


def group_members(pgid: int) -> list[int]:
    """Every live process in a process group (children that outlive their leader included)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _proc_file(int(entry.name), "stat").decode(errors="replace")
        fields = stat.rpartition(")")[2].split()
        # fields after "comm)": state ppid pgrp ...
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def stop_process(piece: str, cmd_token: str, timeout: float = 30.0) -> str:
    """SIGTERM our process group, wait, SIGKILL what is left. Returns a status word."""
    pid = read_pid(piece)
    if pid is None:
        return "not running"
    if not is_ours(pid, piece, cmd_token):
        pid_file(piece).unlink(missing_ok=True)
        return "stale pid file removed"
    # We started it with setsid, so it leads its own group; signal the whole group (workers too).
    pgid = pid if _safe_getpgid(pid) == pid else None
    _signal(pid, pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid, pgid):
            break
        time.sleep(0.1)
    status = "stopped"
    if _alive(pid, pgid):
        _signal(pid, pgid, signal.SIGKILL)
        status = "killed after timeout"
        time.sleep(0.3)
    pid_file(piece).unlink(missing_ok=True)
    return status


def _safe_getpgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _signal(pid: int, pgid: int | None, sig: signal.Signals) -> None:
    try:
        if pgid is not None:
            os.killpg(pgid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _alive(pid: int, pgid: int | None) -> bool:
    if pgid is not None:
        return bool(group_members(pgid))
    return bool(_proc_file(pid, "stat")) and not is_zombie(pid)


def wait_until(check: Callable[[], bool], *, piece: str, timeout: float, pid: int | None = None,
               interval: float = 0.2) -> None:
    """Poll check() until true; fail early if the process died, else after timeout, showing the log."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        # Only "is it still alive": right after exec, /proc/<pid>/cmdline can briefly read empty here.
        if pid is not None and not _alive(pid, None):
            raise StackError(f"{piece} exited during start-up. Log tail ({rel(LOGS / f'{piece}.log')}):\n"
                             f"{log_tail(LOGS / f'{piece}.log')}")
        if time.monotonic() > deadline:
            raise StackError(f"{piece} did not become healthy within {timeout:.0f}s. "
                             f"Log tail ({rel(LOGS / f'{piece}.log')}):\n{log_tail(LOGS / f'{piece}.log')}")
        time.sleep(interval)
