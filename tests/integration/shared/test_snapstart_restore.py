"""Every bank function started as SnapStart starts it, against the real local stack: its worker imports the
handler, runs the before-snapshot hooks (prewarm, then close what init opened) and the after-restore hooks
(fresh randomness, every client, connection, secret and token dropped), and the first request after that
reaches PostgreSQL, Redis and Kafka through connections it opens itself."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from local_gateway.template import Model, load_model
from local_gateway.workers import WORKER_SCRIPT, lambda_environment
from tests.support.lambda_events import http_event
from tests.support.services import SERVICES

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model(REPO / "template.yaml", REPO / ".local" / "env.json", REPO)


def restored_worker_answers(model: Model, service: str, event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = replace(model.functions[f"{service.capitalize()}Function"], snap_start=True)
    with tempfile.TemporaryFile() as log:
        worker = subprocess.Popen([sys.executable, "-u", str(WORKER_SCRIPT)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=log, env=lambda_environment(spec),
                                  cwd=spec.code_dir)
        assert worker.stdin is not None and worker.stdout is not None
        try:
            ready = json.loads(worker.stdout.readline())
            request = {"event": event, "request_id": str(uuid.uuid4()), "trace_id": "",
                       "deadline_ms": time.time() * 1000 + 60_000}
            worker.stdin.write(json.dumps(request).encode() + b"\n")
            worker.stdin.flush()
            reply = json.loads(worker.stdout.readline() or b"{}")
        finally:
            worker.stdin.close()
            worker.wait(timeout=60)
        log.seek(0)
        assert ready.get("ready"), (ready, log.read().decode(errors="replace")[-3000:])
    return ready, reply


@pytest.mark.parametrize("service", SERVICES)
def test_a_function_restored_from_a_snapshot_answers_with_fresh_connections(model: Model, service: str) -> None:
    ready, reply = restored_worker_answers(model, service, http_event("GET", f"/api/{service}/health"))
    assert ready["snapstart_ms"] is not None  # the hooks ran, as the runtime runs them
    assert reply.get("ok"), reply
    result = reply["result"]
    raw = result.get("body") or ""
    body = json.loads(base64.b64decode(raw) if result.get("isBase64Encoded") else raw)
    assert result["statusCode"] == 200, body
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "redis": "ok", "kafka": "ok"}
