"""Entry point of one warm Lambda worker process (stdlib only; runs in the project venv).

Protocol with the parent: JSON lines. The parent writes invocations to our stdin; we answer on
the original stdout. Right at start both are moved to private descriptors and fd 0/1 are pointed at
/dev/null and stderr, so anything the handler prints lands in the log, not in the protocol stream.

Environment is prepared by the parent (function env + Lambda standard variables) before this
process exists, so the handler module sees it at import time, as in Lambda.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


def _private_channels() -> tuple[Any, Any]:
    ctrl_in = os.fdopen(os.dup(0), "rb")
    ctrl_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # handler prints go to stderr → the emulator log
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    return ctrl_in, ctrl_out


class LambdaContext:
    """The subset of the Lambda context object handlers and Powertools use."""

    def __init__(self, request_id: str, deadline_ms: float) -> None:
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = env.get("LOCAL_GATEWAY_FUNCTION_ARN", "")
        self.memory_limit_in_mb = int(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    return {
        "ok": False,
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(exc),
    }


def _load_handler() -> Any:
    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)


def _rehearse_snapstart() -> float | None:
    """For a SnapStart function, do what the Lambda runtime does between init and the first invocation of
    an environment restored from a snapshot: run the before-snapshot hooks (reverse order of registration),
    then the after-restore hooks (in order). Returns their duration in ms, None when not applicable."""
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") != "snap-start":
        return None
    try:
        import snapshot_restore_py
    except ImportError:
        return None
    started = time.perf_counter()
    for func, args, kwargs in reversed(snapshot_restore_py.get_before_snapshot()):
        func(*args, **kwargs)
    for func, args, kwargs in snapshot_restore_py.get_after_restore():
        func(*args, **kwargs)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    print(f"SnapStart rehearsal: before-snapshot and after-restore hooks ran in {elapsed_ms} ms", file=sys.stderr)
    return elapsed_ms


def _send(channel: Any, message: dict[str, Any]) -> None:
    try:
        data = json.dumps(message, default=str)
    except (TypeError, ValueError) as exc:
        data = json.dumps(_error(exc, "Runtime.MarshalError"))
    channel.write(data.encode("utf-8") + b"\n")
    channel.flush()


def _invoke(handler: Any, request: dict[str, Any]) -> dict[str, Any]:
    os.environ["_X_AMZN_TRACE_ID"] = request.get("trace_id", "")
    context = LambdaContext(request["request_id"], request["deadline_ms"])
    try:
        return {"ok": True, "result": handler(request["event"], context)}
    except Exception as exc:  # noqa: BLE001 - an escaping exception is a function error, not a crash
        traceback.print_exc()
        return _error(exc)


def main() -> None:
    ctrl_in, ctrl_out = _private_channels()
    # sys.path: the function's code first (LAMBDA_TASK_ROOT), our own directory out of the way.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    sys.path.extend(p for p in os.environ.get("LOCAL_GATEWAY_LAYER_PATHS", "").split(os.pathsep) if p)
    started = time.perf_counter()
    try:
        handler = _load_handler()
    except BaseException as exc:  # noqa: BLE001 - report any init failure (incl. SystemExit)
        traceback.print_exc()
        _send(ctrl_out, {"ready": False, **_error(exc, "Runtime.ImportModuleError")})
        return
    init_ms = round((time.perf_counter() - started) * 1000, 1)
    try:
        snapstart_ms = _rehearse_snapstart()
    except BaseException as exc:  # noqa: BLE001 - a failing hook fails the snapshot/restore, as in Lambda
        traceback.print_exc()
        _send(ctrl_out, {"ready": False, **_error(exc, "Runtime.SnapStartError")})
        return
    _send(ctrl_out, {"ready": True, "init_ms": init_ms, "snapstart_ms": snapstart_ms})
    while True:
        line = ctrl_in.readline()
        if not line:
            return  # parent went away
        _send(ctrl_out, _invoke(handler, json.loads(line)))


if __name__ == "__main__":
    main()
