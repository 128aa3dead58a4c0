"""The ASGI application: HTTP API front door, the Lambda Invoke API, emulator control endpoints and the SPA."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from . import cors, lambda_api
from .events import HttpEventContext, HttpRequest, InvalidResponse, build_http_event, parse_http_response
from .jwt_auth import AuthError, JwtVerifier, ScopeError, www_authenticate
from .kafka_mapping import MskPoller
from .log_shipping import LogShipper
from .routing import Router
from .schedules import Scheduler
from .static import resolve_static, security_headers
from .template import FunctionSpec, HttpApiSpec, Model
from .workers import Invocation, WorkerManager

log = logging.getLogger("local_gateway")
access_log = logging.getLogger("local_gateway.access")

# API Gateway's own answers (HTTP API, payload 2.0 Lambda integration).
NOT_FOUND = (404, "Not Found")
UNAUTHORIZED = (401, "Unauthorized")
FORBIDDEN = (403, "Forbidden")
FUNCTION_ERROR = (500, "Internal Server Error")
CRASHED = (502, "Internal Server Error")
TIMED_OUT = (503, "Service Unavailable")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection"}


@dataclass
class Options:
    host: str = "127.0.0.1"
    port: int = 3000
    static_dir: Path | None = None
    kafka_bootstrap: str | None = "127.0.0.1:19092"
    region: str = "us-east-1"
    max_workers: int = 4
    python: str | None = None
    preload: bool = False
    schedules: bool = True
    ship_logs: bool = True  # each worker's log lines → logs.app (needs kafka_bootstrap)
    extra: dict[str, Any] = field(default_factory=dict)


def _gateway_request_id() -> str:
    # apigw-requestid values look like "JdLDmiSYFiAEMnA=" (base64 of 11 random bytes).
    return base64.b64encode(os.urandom(11)).decode("ascii")


def _message(status_and_text: tuple[int, str], headers: dict[str, str] | None = None) -> Response:
    status, text = status_and_text
    return JSONResponse({"message": text}, status_code=status, headers=headers)


class Gateway:
    def __init__(self, model: Model, options: Options) -> None:
        self.model = model
        self.options = options
        self.router = Router(model.routes)
        self.log_shipper = LogShipper(options.kafka_bootstrap) \
            if options.kafka_bootstrap and options.ship_logs else None
        self.workers = WorkerManager(model.functions, options.python, options.max_workers,
                                     self._log_sink if self.log_shipper else None)
        self.by_function_name = {spec.function_name: fid for fid, spec in model.functions.items()}
        self._background: set[asyncio.Task[Invocation]] = set()
        self.scheduler = Scheduler(model.schedules, self.invoke_function, options.region)
        self.pollers: list[MskPoller] = []
        self._http: httpx.AsyncClient | None = None
        self.verifier = JwtVerifier(self._fetch_json)
        self.started = time.time()
        self._security_headers = security_headers()

    # --- lifecycle -------------------------------------------------------------------------------

    def _log_sink(self, spec: FunctionSpec) -> Callable[[str], None]:
        shipper = self.log_shipper
        assert shipper is not None
        service = spec.environment.get("POWERTOOLS_SERVICE_NAME")

        def sink(line: str) -> None:
            shipper.submit(line, function=spec.function_name, service=service)
        return sink

    async def startup(self) -> None:
        self._http = httpx.AsyncClient(timeout=10.0)
        if self.log_shipper:
            self.log_shipper.start()
        if self.options.schedules:
            self.scheduler.start()
        if self.options.kafka_bootstrap:
            self._start_pollers(asyncio.get_running_loop(), self.options.kafka_bootstrap)
        if self.options.preload:
            await self.workers.preload()
        log.info("ready: %d functions, %d routes, %d MSK mappings, %d schedules",
                 len(self.model.functions), len(self.model.routes), len(self.pollers), len(self.model.schedules))

    def _start_pollers(self, loop: asyncio.AbstractEventLoop, bootstrap: str) -> None:
        for mapping in self.model.msk:
            spec = self.model.functions.get(mapping.function_id)
            if spec is None or not mapping.enabled:
                continue
            pool = self.workers.pool(mapping.function_id)
            assert pool is not None

            def invoke(event: dict[str, Any], pool: Any = pool) -> Invocation:
                result: Invocation = asyncio.run_coroutine_threadsafe(pool.invoke(event), loop).result()
                return result

            poller = MskPoller(mapping, spec, bootstrap, invoke)
            poller.start()
            self.pollers.append(poller)

    async def shutdown(self) -> None:
        await self.scheduler.stop()
        await asyncio.gather(*(asyncio.to_thread(p.stop) for p in self.pollers))
        await self.workers.close()
        if self.log_shipper:
            await asyncio.to_thread(self.log_shipper.stop)
        if self._http:
            await self._http.aclose()

    async def _fetch_json(self, url: str) -> Any:
        assert self._http is not None
        response = await self._http.get(url)
        response.raise_for_status()
        return response.json()

    # --- invocation helpers ----------------------------------------------------------------------

    async def invoke_function(self, function_id: str, event: Any, log_line: bool = True) -> Invocation:
        pool = self.workers.pool(function_id)
        if pool is None:
            raise KeyError(function_id)
        outcome = await pool.invoke(event)
        if log_line:  # HTTP requests get their own access line instead
            access_log.info("INVOKE %s %s %.1fms rid=%s%s", function_id, outcome.status, outcome.duration_ms,
                            outcome.request_id, " cold" if outcome.cold else "")
        return outcome

    # --- HTTP API --------------------------------------------------------------------------------

    def _api_for(self, api_id: str | None) -> HttpApiSpec | None:
        if api_id and api_id in self.model.apis:
            return self.model.apis[api_id]
        return next((a for a in self.model.apis.values() if a.cors), None)

    def is_api_path(self, path: str) -> bool:
        return path == "/api" or path.startswith("/api/") or self.router.has_path(path)

    async def handle_api(self, request: Request) -> Response:
        started = time.perf_counter()
        gw_id = _gateway_request_id()
        headers = {k.lower(): v for k, v in request.headers.items()}
        function_id, invoke_note = "-", ""
        match = self.router.match(request.method, request.url.path)
        api = self._api_for(match.route.api_id if match else None)
        try:
            if api and api.cors and cors.is_preflight(request.method, headers):
                response: Response = Response(status_code=204, headers=dict(cors.preflight_headers(api.cors, headers)))
            elif match is None:
                response = _message(NOT_FOUND)
            else:
                function_id = match.route.function_id
                response, outcome = await self._authorized_invoke(request, match, api, gw_id)
                if outcome is not None:
                    invoke_note = f" lambda_rid={outcome.request_id} {outcome.status}{' cold' if outcome.cold else ''}"
        except Exception:
            log.exception("gateway error for %s %s", request.method, request.url.path)
            response = _message(FUNCTION_ERROR)
        self._decorate(response, api, headers, gw_id, cors.is_preflight(request.method, headers))
        access_log.info("%s %s %d fn=%s %.1fms rid=%s%s", request.method, request.url.path, response.status_code,
                        function_id, (time.perf_counter() - started) * 1000, gw_id, invoke_note)
        return response

    async def _authorized_invoke(self, request: Request, match: Any, api: HttpApiSpec | None,
                                 gw_id: str) -> tuple[Response, Invocation | None]:
        route = match.route
        authorizer = None
        headers = {k.lower(): v for k, v in request.headers.items()}
        if route.authorizer:
            spec = api.authorizers.get(route.authorizer) if api else None
            if spec is None:
                log.error("route %s names unknown authorizer %s", route.route_key, route.authorizer)
                return _message(FUNCTION_ERROR), None
            try:
                result = await self.verifier.authorize(spec, headers, route.scopes)
            except ScopeError:
                return _message(FORBIDDEN), None
            except AuthError as exc:
                log.info("401 for %s %s: %s", request.method, request.url.path, exc.description)
                return _message(UNAUTHORIZED, {"www-authenticate": www_authenticate(exc.description)}), None
            authorizer = result.as_authorizer()
        event = build_http_event(await self._http_request(request), HttpEventContext(
            route_key=route.route_key, path_parameters=match.path_parameters, request_id=gw_id,
            api_id=route.api_id.lower(), authorizer=authorizer,
        ))
        outcome = await self.invoke_function(route.function_id, event, log_line=False)
        return self._to_response(outcome), outcome

    async def _http_request(self, request: Request) -> HttpRequest:
        client = request.client.host if request.client else "127.0.0.1"
        raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]]
        # API Gateway appends the caller to X-Forwarded-For and sets the proto/port it served.
        previous = ", ".join(v for k, v in raw if k.lower() == "x-forwarded-for")
        forwarded = {
            "x-forwarded-for": f"{previous}, {client}" if previous else client,
            "x-forwarded-proto": request.url.scheme,
            "x-forwarded-port": str(request.url.port or self.options.port),
        }
        headers = [(k, v) for k, v in raw if k.lower() not in forwarded] + list(forwarded.items())
        return HttpRequest(
            method=request.method,
            raw_path=request.url.path,
            raw_query=request.scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=await request.body(),
            source_ip=client,
            protocol=f"HTTP/{request.scope.get('http_version', '1.1')}",
        )

    def _to_response(self, outcome: Invocation) -> Response:
        if outcome.status == "timeout":
            return _message(TIMED_OUT)
        if outcome.status in ("crash", "init_error"):
            return _message(CRASHED)
        if outcome.status != "ok":
            return _message(FUNCTION_ERROR)
        try:
            parsed = parse_http_response(outcome.result)
        except InvalidResponse as exc:
            log.error("function returned an invalid response: %s", exc)
            return _message(FUNCTION_ERROR)
        response = Response(content=parsed.body, status_code=parsed.status)
        for name, value in parsed.headers:
            if name not in _HOP_HEADERS:
                response.headers.append(name, value)
        return response

    def _decorate(self, response: Response, api: HttpApiSpec | None, headers: dict[str, str], gw_id: str,
                  preflight: bool) -> None:
        response.headers["apigw-requestid"] = gw_id
        if "x-request-id" in headers and "x-request-id" not in response.headers:
            response.headers["x-request-id"] = headers["x-request-id"]
        if api is None or api.cors is None or preflight:
            return
        extra = cors.response_headers(api.cors, headers)
        for name in {n for n, _ in extra}:
            del response.headers[name]  # API Gateway's CORS headers replace the function's
        for name, value in extra:
            response.headers.append(name, value)

    # --- emulator control ------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "uptime_s": round(time.time() - self.started, 1),
            "functions": {fid: pool.stats for fid, pool in self.workers.pools.items()},
            "routes": [r.route_key + " -> " + r.function_id for r in self.model.routes],
            "msk": {p.name: p.state for p in self.pollers},
            "schedules": [f"{s.function_id}.{s.event_name}: {s.expression}" for s in self.model.schedules],
        }

    async def invoke_endpoint(self, function_id: str, body: bytes) -> Response:
        """The emulator's own invoke by logical id (tests and tools); Lambda's answer shape."""
        if self.workers.pool(function_id) is None:
            return lambda_api.error_response(404, "ResourceNotFoundException", f"Function not found: {function_id}")
        try:
            event = json.loads(body) if body.strip() else {}
        except ValueError:
            return lambda_api.error_response(400, "InvalidRequestContentException",
                                             "Could not parse request body into json")
        return lambda_api.invocation_response(await self.invoke_function(function_id, event))

    async def lambda_invoke(self, request: Request) -> Response:
        """AWS Lambda's Invoke API (see lambda_api): what boto3's lambda client calls."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        body = await request.body()
        refused = lambda_api.request_error(headers, body)
        if refused is not None:
            return refused
        target = lambda_api.parse_function_name(request.path_params["name"], request.query_params.get("Qualifier"))
        function_id = self.by_function_name.get(target.name)
        if function_id is None or target.qualifier not in (None, lambda_api.LATEST):
            arn = lambda_api.function_arn(target.name, self.options.region)
            suffix = f":{target.qualifier}" if target.qualifier else ""
            return lambda_api.error_response(404, "ResourceNotFoundException", f"Function not found: {arn}{suffix}")
        event = json.loads(body or b"{}")
        kind = headers.get("x-amz-invocation-type", "RequestResponse")
        if kind == "DryRun":
            return Response(status_code=204, headers={"x-amzn-RequestId": str(uuid.uuid4())})
        if kind == "Event":
            task = asyncio.create_task(self.invoke_function(function_id, event))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return Response(status_code=202, headers={"x-amzn-RequestId": str(uuid.uuid4())})
        if kind != "RequestResponse":
            return lambda_api.error_response(400, "InvalidParameterValueException",
                                             f"Unsupported invocation type {kind}")
        return lambda_api.invocation_response(await self.invoke_function(function_id, event))

    async def run_schedule(self, function_id: str) -> Response:
        spec = self.scheduler.for_function(function_id)
        if spec is None:
            return JSONResponse({"message": f"no schedule for {function_id}"}, 404)
        return lambda_api.invocation_response(await self.scheduler.run_now(spec))

    # --- static ----------------------------------------------------------------------------------

    def handle_static(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response(status_code=405, headers={**self._security_headers, "allow": "GET, HEAD"})
        hit = resolve_static(self.options.static_dir, request.url.path)
        if hit is None:
            return Response(b"Not Found", 404, self._security_headers, media_type="text/plain")
        headers = {**self._security_headers, "cache-control": hit.cache_control}
        if hit.path is None:
            return Response(hit.body, hit.status, headers, media_type=hit.content_type)
        return FileResponse(hit.path, status_code=hit.status, headers=headers, media_type=hit.content_type)


def create_app(model: Model, options: Options) -> Starlette:
    gateway = Gateway(model, options)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await gateway.startup()
        try:
            yield
        finally:
            await gateway.shutdown()

    async def health(_request: Request) -> Response:
        return JSONResponse(gateway.health())

    async def invoke(request: Request) -> Response:
        return await gateway.invoke_endpoint(request.path_params["fn"], await request.body())

    async def lambda_invoke(request: Request) -> Response:
        return await gateway.lambda_invoke(request)

    async def run_schedule(request: Request) -> Response:
        return await gateway.run_schedule(request.path_params["fn"])

    async def catch_all(request: Request) -> Response:
        if gateway.is_api_path(request.url.path):
            return await gateway.handle_api(request)
        return gateway.handle_static(request)

    app = Starlette(
        routes=[
            Route("/__emulator/health", health, methods=["GET"]),
            Route("/__emulator/invoke/{fn}", invoke, methods=["POST"]),
            Route("/__emulator/schedules/{fn}/run", run_schedule, methods=["POST"]),
            Route(lambda_api.INVOKE_PATH, lambda_invoke, methods=["POST"]),
            Route("/{path:path}", catch_all, methods=ALL_METHODS),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    return app
