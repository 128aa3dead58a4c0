"""The launcher's Kafka admin (localstack/kafka_admin.py on confluent_kafka's AdminClient) against the stack's
real broker: health, creating only the missing topics, and a clear refusal when no broker answers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
ADMIN = REPO / "localstack" / "kafka_admin.py"


@pytest.fixture(scope="module")
def bootstrap() -> str:
    path = REPO / ".local" / "stack.json"
    if not path.is_file():
        pytest.fail(".local/stack.json is missing: run `make up` first (make test does it)")
    return str(json.loads(path.read_text())["kafka_bootstrap"])


def _admin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ADMIN), *args], capture_output=True, text=True, timeout=90,
                          check=False)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_health_answers_for_the_running_broker_and_not_for_a_closed_port(bootstrap: str) -> None:
    assert _admin("health", bootstrap).returncode == 0
    assert _admin("health", f"127.0.0.1:{_closed_port()}").returncode == 1


def test_ensure_topics_creates_only_what_is_missing(bootstrap: str) -> None:
    topic = f"test.kafka-admin.{uuid.uuid4().hex[:10]}"
    first = _admin("ensure-topics", bootstrap, f"{topic}=2")
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == [topic]
    again = _admin("ensure-topics", bootstrap, f"{topic}=2")
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == []


def test_ensure_topics_fails_with_a_reason_when_no_broker_answers() -> None:
    done = _admin("ensure-topics", f"127.0.0.1:{_closed_port()}", "never.created=1")
    assert done.returncode == 2
    assert "could not create topics" in done.stderr
