"""The one shape of every service: `create_app` builds the FastAPI app, `lambda_entrypoint` wraps it.

A service's function receives three kinds of events: HTTP requests (Mangum → FastAPI) from API Gateway or
invoked directly by another bank function, MSK batches (its idempotent consumers) and the schedule that
sweeps its outbox. `/api/<service>/internal/...` answers only direct invokes (`InternalRoutesGuard`).
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from bank_shared import schedule_clock
from bank_shared.api_docs import install_openapi
from bank_shared.direct_invoke import direct_caller
from bank_shared.errors import ProblemInstanceMiddleware, install_error_handlers, problem, problem_response
from bank_shared.events.consumer import EventHandler, handle_kafka_batch
from bank_shared.events.outbox import sweep_outbox
from bank_shared.health import Check, health_router
from bank_shared.input_guard import ControlCharacterGuard
from bank_shared.observability import RequestContextMiddleware, logger, metrics, tracer
from bank_shared.ratelimit import RateLimitMiddleware, RateLimitPolicy
from bank_shared.retention import prune_expired
from bank_shared.snapstart import install as install_snapstart_hooks

LambdaHandler = Callable[[dict[str, Any], Any], Any]
INTERNAL_PATH = re.compile(r"^/api/[^/]+/internal(/|$)")


class InternalRoutesGuard:
    """Internal routes exist only for the bank's own functions invoking this one directly: a request that
    came through API Gateway (no direct-invoke marker, which API Gateway never sets) gets the same 404 as
    any path the service does not have."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and INTERNAL_PATH.match(scope["path"]) and direct_caller(scope) is None:
            body = problem(404, "not_found", "Not Found", "Not Found", scope["path"])
            await problem_response(body)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(
    service: str,
    routers: Sequence[APIRouter],
    *,
    description: str = "",
    health_checks: dict[str, Check] | None = None,
    rate_limits: RateLimitPolicy | None = None,
) -> FastAPI:
    """Routes live under /api/<service>; operation ids are `<service>_<function name>`."""

    def operation_id(route: APIRoute) -> str:
        return f"{service}_{route.name}"

    app = FastAPI(
        title=f"Bank {service} API",
        description=description,
        version="1.0.0",
        openapi_url=f"/api/{service}/openapi.json",
        docs_url=f"/api/{service}/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    install_error_handlers(app)
    app.add_middleware(ProblemInstanceMiddleware)  # innermost: relayed problems name the caller's route
    app.add_middleware(ControlCharacterGuard)  # counted by the rate limiter, refused before routes
    # Inside the request-id middleware, so 429s carry the id; the service declares its own tighter limits.
    app.add_middleware(RateLimitMiddleware, policy=rate_limits)
    app.add_middleware(InternalRoutesGuard)  # before the limiter: a path that does not exist costs nothing
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router(service, health_checks))
    for router in routers:
        app.include_router(router, prefix=f"/api/{service}")
    install_openapi(app, service)
    return app


def _is_kafka_batch(event: dict[str, Any]) -> bool:
    return event.get("eventSource") in {"aws:kafka", "SelfManagedKafka"}


def _is_schedule(event: dict[str, Any]) -> bool:
    return event.get("source") == "aws.events" or event.get("detail-type") == "Scheduled Event"


def _ensure_event_loop() -> None:
    """Mangum runs the app on the thread's current event loop; make sure there is one (a thread, or a
    process where asyncio.run() already closed the previous loop, has none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())


def lambda_entrypoint(
    app: FastAPI,
    *,
    consumer_name: str | None = None,
    event_handlers: Mapping[str, EventHandler] | None = None,
    scheduled_tasks: Mapping[str, Callable[[], Any]] | None = None,
    prewarm: Sequence[Callable[[], Any]] = (),
    prewarm_modules: Sequence[str] = (),
) -> LambdaHandler:
    """The Lambda handler for a service: Powertools context + metrics around one dispatcher.

    On its schedule a function runs its own `scheduled_tasks` (e.g. expiring holds; `schedule_clock.now()` is
    the scheduled event's moment while they run), then sweeps its
    outbox, so events those tasks wrote are relayed in the same invocation, and then prunes what is past
    its retention window (bank_shared.retention).

    With SnapStart, `prewarm` (e.g. reading the service's settings) and `prewarm_modules` (libraries the
    service imports on first use) run before the snapshot, on top of the shared ones (bank_shared.snapstart).
    """
    from mangum import Mangum

    asgi = Mangum(app, lifespan="off")
    install_snapstart_hooks(app, prewarm, prewarm_modules)
    consumer = consumer_name or app.title

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> Any:
        if _is_kafka_batch(event):
            return handle_kafka_batch(event, consumer, event_handlers or {})
        if _is_schedule(event):
            with schedule_clock.scheduled_at(event):  # tasks acting on dates read the event's moment
                results = {name: task() for name, task in (scheduled_tasks or {}).items()}
            return {**results, **sweep_outbox(), "pruned": prune_expired()}
        _ensure_event_loop()
        return asgi(event, context)

    wrapped: LambdaHandler = handler
    return wrapped
