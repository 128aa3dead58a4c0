"""Warm worker processes per function, with Lambda-like concurrency.

A worker runs one invocation at a time. When every worker of a function is busy a new one is
started, up to ``max_workers``; beyond that callers wait for a free one. A worker that dies is
dropped (the caller sees a crash); a worker that overruns the function's Timeout is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .template import FunctionSpec

log = logging.getLogger("local_gateway.workers")

WORKER_SCRIPT = Path(__file__).with_name("worker_main.py")
STREAM_LIMIT = 64 * 1024 * 1024  # payload 6 MB in Lambda; leave room for JSON overhead
INIT_TIMEOUT_SECONDS = 30.0


@dataclass
class Invocation:
    """Outcome of one invocation: ok | error (handler raised) | crash | timeout | init_error."""

    status: str
    request_id: str
    result: Any = None
    error: dict[str, Any] | None = None
    duration_ms: float = 0.0
    cold: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class WorkerDied(Exception):
    pass


class WorkerInitFailed(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("errorMessage", "init failed"))
        self.error = error


def lambda_environment(spec: FunctionSpec, base: dict[str, str] | None = None) -> dict[str, str]:
    """Process env for a worker: host env (credentials, endpoints), function env, reserved vars."""
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONPATH", None)  # the emulator's own path must not leak into functions
    env.update(spec.environment)
    stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    env.update({
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start" if spec.snap_start else "on-demand",
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "LAMBDA_TASK_ROOT": str(spec.code_dir),
        "LAMBDA_RUNTIME_DIR": str(Path(sys.executable).parent),
        "_HANDLER": spec.handler,
        "TZ": ":UTC",
        "PYTHONUNBUFFERED": "1",
        "LOCAL_GATEWAY_FUNCTION_ARN": spec.arn,
        "LOCAL_GATEWAY_LAYER_PATHS": os.pathsep.join(str(p) for p in spec.layer_dirs),
    })
    return env


@dataclass(eq=False)  # identity semantics: workers live in sets
class Worker:
    spec: FunctionSpec
    proc: asyncio.subprocess.Process
    log_task: asyncio.Task[None] | None = None
    invocations: int = 0
    created: float = field(default_factory=time.monotonic)

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def wait_ready(self, timeout: float) -> float:
        message = await self._read(timeout)
        if not message.get("ready"):
            raise WorkerInitFailed(message)
        return float(message.get("init_ms", 0.0))

    async def invoke(self, event: Any, request_id: str, timeout: float) -> dict[str, Any]:
        request = {
            "event": event,
            "request_id": request_id,
            "deadline_ms": time.time() * 1000 + timeout * 1000,
            "trace_id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
        }
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            await self.proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise WorkerDied("worker pipe closed") from exc
        self.invocations += 1
        return await self._read(timeout)

    async def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not line:
            code = await self.proc.wait()
            raise WorkerDied(f"worker exited with code {code}")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def kill(self) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()


LogSink = Callable[[str], None]


async def _pump_logs(name: str, stream: asyncio.StreamReader, sink: LogSink | None = None) -> None:
    """Copy a worker's stderr (its stdout is redirected there) into our log, prefixed, and hand each line to
    `sink` (the shipper to logs.app) when there is one."""
    while True:
        try:
            line = await stream.readline()
        except (ValueError, asyncio.LimitOverrunError):
            continue
        if not line:
            return
        text = line.decode("utf-8", "replace").rstrip()
        sys.stdout.write(f"[{name}] {text}\n")
        sys.stdout.flush()
        if sink is not None:
            sink(text)


class FunctionPool:
    def __init__(self, spec: FunctionSpec, python: str, max_workers: int, log_sink: LogSink | None = None) -> None:
        self.spec = spec
        self.log_sink = log_sink
        self.python = python
        self.max_workers = max(1, max_workers)
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._count = 0  # started or starting
        self._cond = asyncio.Condition()
        self.env = lambda_environment(spec)

    @property
    def stats(self) -> dict[str, int]:
        return {"workers": self._count, "idle": len(self._idle)}

    async def _spawn(self) -> Worker:
        proc = await asyncio.create_subprocess_exec(
            self.python, "-u", str(WORKER_SCRIPT),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self.env, cwd=str(self.spec.code_dir),
            limit=STREAM_LIMIT,
        )
        worker = Worker(self.spec, proc)
        assert proc.stderr is not None
        worker.log_task = asyncio.create_task(_pump_logs(self.spec.logical_id, proc.stderr, self.log_sink))
        self._all.add(worker)
        try:
            init_ms = await worker.wait_ready(INIT_TIMEOUT_SECONDS)
        except BaseException:
            self._discard(worker)
            raise
        log.info("%s: worker pid %s ready (init %.0f ms)", self.spec.logical_id, proc.pid, init_ms)
        return worker

    def _discard(self, worker: Worker) -> None:
        worker.kill()
        self._all.discard(worker)

    async def _acquire(self) -> tuple[Worker, bool]:
        async with self._cond:
            while True:
                while self._idle:
                    worker = self._idle.pop()  # LIFO: the most recently used is the warmest
                    if worker.alive:
                        return worker, False
                    self._discard(worker)
                    self._count -= 1
                if self._count < self.max_workers:
                    self._count += 1
                    break
                await self._cond.wait()
        try:
            return await self._spawn(), True
        except BaseException:
            await self._release(None)
            raise

    async def _release(self, worker: Worker | None) -> None:
        async with self._cond:
            if worker is not None and worker.alive:
                self._idle.append(worker)
            else:
                if worker is not None:
                    self._discard(worker)
                self._count -= 1
            self._cond.notify()

    async def preload(self) -> None:
        worker, _ = await self._acquire()
        await self._release(worker)

    async def invoke(self, event: Any, request_id: str | None = None) -> Invocation:
        request_id = request_id or str(uuid.uuid4())
        started = time.perf_counter()
        try:
            worker, cold = await self._acquire()
        except WorkerInitFailed as exc:
            log.error("%s: init failed: %s", self.spec.logical_id, exc)
            return Invocation("init_error", request_id, error=exc.error, cold=True,
                              duration_ms=_since(started))
        except (TimeoutError, WorkerDied, OSError, ValueError) as exc:
            return Invocation("init_error", request_id, cold=True, duration_ms=_since(started),
                              error={"errorType": "Runtime.InitError", "errorMessage": str(exc)})
        try:
            outcome = await self._run(worker, event, request_id)
        finally:
            await self._release(worker)
        outcome.cold = cold
        outcome.duration_ms = _since(started)
        return outcome

    async def _run(self, worker: Worker, event: Any, request_id: str) -> Invocation:
        try:
            reply = await worker.invoke(event, request_id, float(self.spec.timeout))
        except TimeoutError:
            worker.kill()
            log.error("%s: request %s timed out after %s s; worker killed",
                      self.spec.logical_id, request_id, self.spec.timeout)
            return Invocation("timeout", request_id, error={
                "errorType": "Sandbox.Timedout",
                "errorMessage": f"Task timed out after {self.spec.timeout:.2f} seconds"})
        except (WorkerDied, ValueError) as exc:
            worker.kill()
            log.error("%s: worker crashed during request %s: %s", self.spec.logical_id, request_id, exc)
            return Invocation("crash", request_id, error={
                "errorType": "Runtime.ExitError", "errorMessage": str(exc)})
        if reply.get("ok"):
            return Invocation("ok", request_id, result=reply.get("result"))
        reply.pop("ok", None)
        return Invocation("error", request_id, error=reply)

    async def close(self) -> None:
        for worker in list(self._all):
            worker.kill()
        for worker in list(self._all):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(worker.proc.wait(), 2)
            if worker.log_task:
                worker.log_task.cancel()
        self._all.clear()
        self._idle.clear()


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


class WorkerManager:
    def __init__(self, functions: dict[str, FunctionSpec], python: str | None = None,
                 max_workers: int = 4, log_sink: Callable[[FunctionSpec], LogSink] | None = None) -> None:
        # abspath, not resolve(): a venv's python is a symlink whose location defines the venv.
        python = os.path.abspath(python) if python else sys.executable
        self.pools = {fid: FunctionPool(spec, python, max_workers, log_sink(spec) if log_sink else None)
                      for fid, spec in functions.items()}

    def pool(self, function_id: str) -> FunctionPool | None:
        return self.pools.get(function_id)

    async def preload(self) -> None:
        results = await asyncio.gather(*(p.preload() for p in self.pools.values()), return_exceptions=True)
        for fid, result in zip(self.pools, results, strict=True):
            if isinstance(result, BaseException):
                log.error("%s: preload failed: %s", fid, result)

    async def close(self) -> None:
        await asyncio.gather(*(p.close() for p in self.pools.values()))
