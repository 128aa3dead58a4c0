"""Run a built function as Lambda would: a fresh python3.12 with only its artifact and the layer on sys.path.

The process is the local gateway's own worker (`local_gateway/worker_main.py`, standard library only), started
with `-I -S`: no PYTHON* variables, no user or system site-packages, so nothing of the project venv can be
imported. sys.path is then the interpreter's standard library, the function's build directory
(LAMBDA_TASK_ROOT) and the layer's `python/` directory, exactly the layout of the Lambda runtime.
Events are built by the gateway's payload-v2 and MSK event builders, with the template's routes.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from local_gateway import events as gw_events
from local_gateway.routing import Router
from local_gateway.template import FunctionSpec, Model
from local_gateway.workers import WORKER_SCRIPT, lambda_environment

ISOLATION = ("-I", "-S", "-u")
INIT_TIMEOUT_SECONDS = 60.0

# Runs in the isolated interpreter with the same flags and sys.path as the worker: what can it see?
PROBE = """
import importlib.util, json, os, sys
sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
sys.path.extend(p for p in os.environ["LOCAL_GATEWAY_LAYER_PATHS"].split(os.pathsep) if p)
found = {name: getattr(importlib.util.find_spec(name), "origin", None) for name in sys.argv[1:]
         if importlib.util.find_spec(name) is not None}
print(json.dumps({"path": sys.path, "found": found, "flags": [sys.flags.isolated, sys.flags.no_site]}))
"""


def built_spec(spec: FunctionSpec, function_dir: Path, layer_dir: Path) -> FunctionSpec:
    """The template's function (its environment from the stack's env.json) with the built code instead."""
    return replace(spec, code_dir=function_dir, layer_dirs=[layer_dir])


def isolated_environment(spec: FunctionSpec) -> dict[str, str]:
    """Lambda's variables and the function's own, over a bare base (no host venv, no PYTHONPATH)."""
    base = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return lambda_environment(spec, base=base)


def probe(python: Path, spec: FunctionSpec, *modules: str) -> dict[str, Any]:
    result = subprocess.run([str(python), *ISOLATION, "-c", PROBE, *modules], env=isolated_environment(spec),
                            cwd=spec.code_dir, capture_output=True, text=True, timeout=60, check=True)
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@dataclass
class Reply:
    ok: bool
    result: Any
    error: dict[str, Any] | None


class IsolatedFunction:
    """One warm worker of a built function; `init` is the cold start's outcome (ready or an import error)."""

    def __init__(self, python: Path, spec: FunctionSpec, log: Path) -> None:
        self.spec = spec
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = log.open("w")
        self._proc = subprocess.Popen(
            [str(python), *ISOLATION, str(WORKER_SCRIPT)], env=isolated_environment(spec), cwd=spec.code_dir,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log_file, text=True)
        self.init = self._read()

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            return {"ready": False, "errorType": "WorkerDied",
                    "errorMessage": f"exited with {self._proc.wait(10)}: {self.log_tail()}"}
        message: dict[str, Any] = json.loads(line)
        return message

    def log_tail(self, lines: int = 40) -> str:
        self._log_file.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def invoke(self, event: dict[str, Any], timeout_seconds: float = 30.0) -> Reply:
        assert self._proc.stdin is not None
        request = {"event": event, "request_id": str(uuid.uuid4()),
                   "deadline_ms": time.time() * 1000 + timeout_seconds * 1000}
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        reply = self._read()
        return Reply(bool(reply.get("ok")), reply.get("result"), None if reply.get("ok") else reply)

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log_file.close()


def http_event(model: Model, method: str, path: str, *, query: str = "", body: Any = None,
               claims: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The payload-v2 event API Gateway sends for `method path` (route key and path parameters from the
    template; `claims` as the JWT authorizer hands them over once it has verified a token)."""
    matched = Router(model.routes).match(method, path)
    if matched is None:
        raise LookupError(f"no route in template.yaml serves {method} {path}")
    raw_body = b"" if body is None else json.dumps(body).encode()
    all_headers = {"host": "api.bank.test", "user-agent": "built-artifact-test", **(headers or {})}
    if body is not None:
        all_headers["content-type"] = "application/json"
    request = gw_events.HttpRequest(method, path, query, list(all_headers.items()), raw_body, "127.0.0.1")
    authorizer = {"jwt": {"claims": claims, "scopes": None}} if claims is not None else None
    context = gw_events.HttpEventContext(matched.route.route_key, matched.path_parameters, str(uuid.uuid4()),
                                         authorizer=authorizer)
    return gw_events.build_http_event(request, context)


def http_response(reply: Reply) -> tuple[int, Any]:
    """(status, parsed JSON body) of a handler's answer."""
    if not reply.ok:
        raise AssertionError(f"the handler raised: {reply.error}")
    response = gw_events.parse_http_response(reply.result)
    body = json.loads(response.body) if response.body else None
    return response.status, body


def msk_event(model: Model, function_id: str, topic: str, value: dict[str, Any]) -> dict[str, Any]:
    """The MSK event source mapping's batch of one record, for a topic the function subscribes to."""
    mapping = next(m for m in model.msk if m.function_id == function_id and topic in m.topics)
    record = gw_events.KafkaRecord(topic, 0, int(time.time()), int(time.time() * 1000), "CREATE_TIME",
                                   None, json.dumps(value).encode())
    return gw_events.build_msk_event([record], mapping.stream_arn, "b-1.bank.test:9098")
