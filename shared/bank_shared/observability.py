"""Powertools Logger/Tracer/Metrics for the execution environment and the request-id (correlation id)
carried through every log line, response and downstream call."""

from __future__ import annotations

import os
import time
import uuid
import warnings
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"

# Health checks and reads publish no business metrics; an empty flush is expected, not a problem.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
# No patch-everything at import: Tracer's auto-patch imports every library X-Ray can trace (botocore,
# httpx, psycopg, requests, ...) into every cold start. Each library is patched by `trace_library` right
# before the bank's first use of it instead, so its calls are traced exactly as before.
tracer = Tracer(auto_patch=False)
# The namespace defaults to the template's (Globals: POWERTOOLS_METRICS_NAMESPACE=Bank), so a business count
# never makes a flush fail where the variable is not set (unit tests, tools).
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "Bank"
metrics = Metrics(namespace=NAMESPACE)
_traced_libraries: set[str] = set()

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def trace_library(*names: str) -> None:
    """Let X-Ray trace `names` (X-Ray SDK module names: botocore, httplib, httpx, psycopg); call it before the
    library's first client or connection exists. A no-op with tracing disabled and for names already done."""
    pending = [name for name in names if name not in _traced_libraries]
    if not pending:
        return
    _traced_libraries.update(pending)
    if tracer.disabled:
        return
    from aws_xray_sdk.core import patch

    # As Tracer's own patch-all does: a library missing here (or psycopg's optional pool) is skipped.
    patch(pending, raise_errors=False)


def count(name: str, value: int = 1, **dimensions: str) -> None:
    """A business count as an EMF metric (docs/operations.md lists them; template alarms refer to some):
    `name` by service, flushed with the invocation's metrics; with `dimensions` (a refusal's reason, a
    consumer) also a metric of the same name by service and those dimensions, written at once."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    if dimensions:
        with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE) as metric:
            metric.add_dimension("service", logger.service)
            for key, dimension in dimensions.items():
                metric.add_dimension(key, dimension)


def gauge(name: str, value: float, unit: MetricUnit = MetricUnit.Count) -> None:
    """A level (a backlog, an age) as an EMF metric by service, flushed with the invocation's metrics."""
    metrics.add_metric(name=name, unit=unit, value=value)


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str) -> None:
    _request_id.set(request_id)
    logger.append_keys(request_id=request_id)


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode():
            candidate = value.decode("latin-1").strip()
            if 0 < len(candidate) <= 128 and candidate.isprintable():
                return str(candidate)
    event: dict[str, Any] = scope.get("aws.event") or {}
    gateway_id = (event.get("requestContext") or {}).get("requestId")
    return str(gateway_id) if gateway_id else str(uuid.uuid4())


class RequestContextMiddleware:
    """Accepts or generates X-Request-Id, binds it to the logger and echoes it on the response; logs one line
    per request (method, path without the query string, status, duration), so every service a request passes
    through leaves a line with its request id in logs.app (docs/operations.md)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        bind_request_id(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            path = str(scope.get("path", ""))
            if not path.endswith("/health"):
                logger.info("request handled", extra={
                    "http_method": scope.get("method"), "http_path": path, "http_status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1)})
