"""The launcher's view of Kafka: health and topic creation through kafka_admin.py (confluent_kafka's
AdminClient), run with the project venv's Python because the launcher itself is standard-library only."""

from __future__ import annotations

import subprocess
from pathlib import Path

from stackctl_install import VENV

ADMIN_SCRIPT = Path(__file__).resolve().parent / "kafka_admin.py"


class KafkaAdminError(Exception):
    pass


def _admin(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    python = VENV / "bin" / "python"
    return subprocess.run([str(python), str(ADMIN_SCRIPT), *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def kafka_answers(host: str, port: int) -> bool:
    """True when a broker and the controller answer (the venv exists: `up` installs before it starts pieces)."""
    try:
        return _admin("health", f"{host}:{port}", timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure_topics(host: str, port: int, wanted: dict[str, int]) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    try:
        done = _admin("ensure-topics", f"{host}:{port}", *(f"{n}={p}" for n, p in wanted.items()), timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KafkaAdminError(str(exc)) from exc
    if done.returncode != 0:
        raise KafkaAdminError(done.stderr.strip() or f"kafka_admin exited {done.returncode}")
    return [line for line in done.stdout.splitlines() if line]
