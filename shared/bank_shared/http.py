"""Service-to-service calls: a bank function invokes another bank function's Lambda directly.

`ServiceClient("ledger")` sends an HTTP request to the ledger's API as an API Gateway payload 2.0 event
(`bank_shared.direct_invoke`) through `lambda:InvokeFunction` on `SERVICE_FUNCTION_PREFIX + "ledger"`,
carrying this service's identity; the answer is the ledger's HTTP response. No loopback, no gateway, no
token: IAM decides who may invoke whom (docs/service-to-service.md). Locally `LAMBDA_ENDPOINT_URL` points
boto3 at the local gateway's Lambda Invoke API, which runs the function in the same warm workers.

Kept from the HTTP days: a timeout per call (boto3's read timeout), X-Request-Id forwarded, bounded retries
only for safe requests or POSTs that carry an Idempotency-Key (a retry can never move money twice; botocore's
own retries are off). Anything that is not the callee's own answer (invoke refused or throttled, time-out,
the function failed) is `DependencyUnavailable` (503) to our caller, as is a callee's 5xx (`answer_of`).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi.responses import JSONResponse

from bank_shared.direct_invoke import build_event, json_request_body
from bank_shared.errors import PROBLEM_JSON, AppError, DependencyUnavailable
from bank_shared.idempotency import REPLAYED_HEADER
from bank_shared.observability import REQUEST_ID_HEADER, current_request_id, trace_library
from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore
from bank_shared.transaction_guard import network_call

RETRYABLE_STATUS = frozenset({502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CONNECT_TIMEOUT_SECONDS = 1.0
Params = Mapping[str, str | int] | Sequence[tuple[str, str]]
Timeout = float | Callable[[], float]  # a fixed wait, or read from the service's settings on each call
Refusals = Mapping[int, type[AppError]]  # the callee's refusal statuses that are one of our own errors


@dataclass(frozen=True)
class ServiceResponse:
    """The callee's HTTP answer (header names in lower case)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass(frozen=True)
class Answer:
    """Another service's answer to a call whose refusals the caller relays (problem body when >= 400)."""

    status: int
    body: dict[str, Any]
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def relay(answer: Answer) -> JSONResponse:
    """Another service's answer handed to our caller unchanged: its status and body (problem+json when it
    is a refusal, whose `instance` the app rewrites to our caller's path) and `Idempotent-Replayed`."""
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else {}
    media_type = PROBLEM_JSON if answer.status >= 400 else "application/json"
    return JSONResponse(answer.body, status_code=answer.status, headers=headers, media_type=media_type)


def json_body(response: ServiceResponse) -> dict[str, Any]:
    """The response's JSON object, or {} when it has none."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def answer_of(response: ServiceResponse, service: str) -> Answer:
    """The answer, or DependencyUnavailable when the service could not answer: a 5xx, or a 401/403 to our
    own service identity (a misconfiguration, an outage to our caller)."""
    status = response.status_code
    if status >= 500 or status in (401, 403):
        raise DependencyUnavailable(f"{service} answered {status}", dependency=service)
    return Answer(status, json_body(response), response.headers.get(REPLAYED_HEADER.lower()) == "true")


# --------------------------------------------------------------------------- the invoke transport


class InvokeFailed(Exception):
    """The function gave no HTTP answer: not invoked (refused, throttled, unreachable), timed out, or failed."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class Invoker(Protocol):
    """Runs a bank function with an event and returns what its handler returned."""

    caller: str

    def function_name(self, service: str) -> str: ...

    def invoke(self, service: str, event: dict[str, Any], timeout: float) -> Any: ...


LambdaClientFactory = Callable[[float], Any]


class LambdaInvoker:
    """`lambda:InvokeFunction` (RequestResponse) as `caller`, one boto3 client per read timeout."""

    def __init__(self, caller: str, function_prefix: str, *, endpoint_url: str | None = None,
                 region: str | None = None, client_for: LambdaClientFactory | None = None) -> None:
        self.caller = caller
        self.function_prefix = function_prefix
        self._client_for = client_for or _BotoClients(endpoint_url, region)

    def function_name(self, service: str) -> str:
        return f"{self.function_prefix}{service}"

    def close(self) -> None:
        close = getattr(self._client_for, "close", None)
        if close is not None:
            close()

    def invoke(self, service: str, event: dict[str, Any], timeout: float) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client_for(timeout).invoke(
                FunctionName=self.function_name(service), InvocationType="RequestResponse",
                Payload=json.dumps(event).encode("utf-8"))
            payload = response["Payload"].read()
        except ClientError as error:
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            code = error.response.get("Error", {}).get("Code", "unknown")
            # Throttling and the service's own failures may pass; anything else (no such function, no
            # permission, a bad request) will not.
            raise InvokeFailed(f"invoke refused ({code})", retryable=status == 429 or status >= 500) from error
        except BotoCoreError as error:  # could not connect, read timeout, connection closed
            raise InvokeFailed(f"unreachable ({type(error).__name__})", retryable=True) from error
        if response.get("FunctionError"):
            raise InvokeFailed(f"function error ({_error_type(payload)})", retryable=True)
        try:
            return json.loads(payload)
        except ValueError as error:
            raise InvokeFailed("the function's answer is not JSON", retryable=False) from error


def _error_type(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("errorType") or "Unhandled")
    except (ValueError, AttributeError):
        return "Unhandled"


class _BotoClients:
    """boto3 Lambda clients for each read timeout, created lazily (moto intercepts them in unit tests) and
    under a lock: creating boto3 clients from several threads at once is not safe."""

    def __init__(self, endpoint_url: str | None, region: str | None) -> None:
        self._endpoint_url = endpoint_url
        self._region = region
        self._clients: dict[float, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, read_timeout: float) -> Any:
        key = round(read_timeout, 3)
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key) or self._create(key)
                self._clients[key] = client
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def _create(self, read_timeout: float) -> Any:
        trace_library("botocore")  # before the client exists: X-Ray instruments clients built after its patch
        import boto3  # deferred: boto3 costs cold start and not every path calls another service
        from botocore.config import Config

        # No botocore retries (ServiceClient decides what may be sent twice); no parameter validation (the two
        # parameters are always a name and bytes; validating them costs ~10% of the client's time per call).
        config = Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=read_timeout,
                        retries={"total_max_attempts": 1, "mode": "standard"}, tcp_keepalive=True,
                        parameter_validation=False)
        return boto3.session.Session().client("lambda", region_name=self._region,
                                              endpoint_url=self._endpoint_url, config=config)


_default_invoker: LambdaInvoker | None = None


def default_invoker() -> LambdaInvoker:
    """This execution environment's invoker: this service's identity and the configured functions."""
    global _default_invoker
    if _default_invoker is None:
        settings = get_settings()
        _default_invoker = LambdaInvoker(settings.service_name, settings.service_function_prefix,
                                         endpoint_url=settings.lambda_endpoint_url, region=settings.aws_region)
    return _default_invoker


@reset_on_restore
def reset_default_invoker() -> None:
    """Close and forget the invoker's boto3 clients (tests; a SnapStart restore must not reuse the snapshot's
    pooled sockets)."""
    global _default_invoker
    if _default_invoker is not None:
        _default_invoker.close()
    _default_invoker = None


def read_response(result: Any) -> ServiceResponse:
    """A payload 2.0 response (what Mangum returns) as the HTTP answer it stands for."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        raise InvokeFailed("the function's answer is not an HTTP response", retryable=False)
    headers = {str(name).lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    body = result.get("body") or ""
    try:
        content = base64.b64decode(body, validate=True) if result.get("isBase64Encoded") else str(body).encode()
    except (binascii.Error, ValueError) as error:
        raise InvokeFailed("the function's answer has a broken base64 body", retryable=False) from error
    return ServiceResponse(result["statusCode"], headers, content)


# --------------------------------------------------------------------------- the client


def _query(params: Params | None) -> list[tuple[str, str]]:
    if params is None:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    return [(str(name), str(value)) for name, value in items]


class ServiceClient:
    """Calls another bank service's API (`/api/<service>/...`) as this service.

    A service's typed client (its `clients.py`) declares one of these per callee, with the callee's name (read
    by `bank_shared.tools.calls`), how often reads may be retried and how long to wait, and then only its calls:
    `lookup` (must succeed), `find` (404 is None), `call` (the answer, relayed to our caller), `call_with_key`
    (money under an Idempotency-Key). Identity, request id, retries and outages are handled here, once."""

    def __init__(self, service: str, *, retries: int = 2, backoff_seconds: float = 0.1,
                 timeout: Timeout | None = None, invoker: Invoker | None = None) -> None:
        self.service = service
        self._retries = retries
        self._backoff = backoff_seconds
        self._timeout = timeout
        self._invoker = invoker

    def _wait(self, timeout: float | None) -> float:
        if timeout is not None:
            return timeout
        if self._timeout is None:
            return get_settings().http_timeout_seconds
        return self._timeout() if callable(self._timeout) else self._timeout

    def request(self, method: str, path: str, *, params: Params | None = None, json: Any = None,
                headers: Mapping[str, str] | None = None, timeout: float | None = None) -> ServiceResponse:
        network_call(f"service:{self.service}")
        invoker = self._invoker or default_invoker()
        sent = {name.lower(): value for name, value in (headers or {}).items()}
        if (request_id := current_request_id()) is not None:
            sent.setdefault(REQUEST_ID_HEADER, request_id)
        body = None
        if json is not None:
            body = json_request_body(json)
            sent.setdefault("content-type", "application/json")
        event = build_event(caller=invoker.caller, service=self.service,
                            function_name=invoker.function_name(self.service), method=method, path=path,
                            query=_query(params), headers=sent, body=body)
        retryable = method.upper() in SAFE_METHODS or "idempotency-key" in sent
        attempts = 1 + (self._retries if retryable else 0)
        wait = self._wait(timeout)
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                response = read_response(invoker.invoke(self.service, event, wait))
            except InvokeFailed as failure:
                if last or not failure.retryable:
                    raise DependencyUnavailable(f"{self.service}: {failure}", dependency=self.service) from failure
            else:
                if response.status_code not in RETRYABLE_STATUS or last:
                    return response
            time.sleep(self._backoff * (2**attempt))
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------------- the typed calls' building blocks

    def call(self, method: str, path: str, *, params: Params | None = None, json: Any = None,
             headers: Mapping[str, str] | None = None, timeout: float | None = None) -> Answer:
        """The callee's answer, success or refusal, for our caller to relay; outages raise (`answer_of`)."""
        response = self.request(method, path, params=params, json=json, headers=headers, timeout=timeout)
        return answer_of(response, self.service)

    def call_with_key(self, path: str, key: str, body: dict[str, Any] | None = None, *,
                      headers: Mapping[str, str] | None = None, timeout: float | None = None) -> Answer:
        """A POST under an Idempotency-Key (so it may be retried); the answer is relayed, outages raise."""
        return self.call("POST", path, json=body, headers={**(headers or {}), "Idempotency-Key": key},
                         timeout=timeout)

    def lookup(self, method: str, path: str, *, params: Params | None = None, json: Any = None,
               headers: Mapping[str, str] | None = None, refusals: Refusals | None = None,
               timeout: float | None = None) -> dict[str, Any]:
        """A call that must succeed: a 2xx answer's JSON object; a refusal listed in `refusals` raises our own
        error with the callee's detail; anything else is the service being unavailable to us."""
        response = self.request(method, path, params=params, json=json, headers=headers, timeout=timeout)
        return self._expect(response, refusals)

    def get_json(self, path: str, *, params: Params | None = None, timeout: float | None = None) -> dict[str, Any]:
        """A GET that must succeed (`lookup`)."""
        return self.lookup("GET", path, params=params, timeout=timeout)

    def find(self, path: str, *, params: Params | None = None, timeout: float | None = None) -> dict[str, Any] | None:
        """A GET of one thing: None when the callee has no such thing (404), else as `get_json`."""
        response = self.get(path, params=params, timeout=timeout)
        return None if response.status_code == 404 else self._expect(response)

    def _expect(self, response: ServiceResponse, refusals: Refusals | None = None) -> dict[str, Any]:
        status = response.status_code
        if 200 <= status < 300:
            return json_body(response)
        if refusals and status in refusals:
            raise refusals[status](str(json_body(response).get("detail") or "") or None)
        raise DependencyUnavailable(f"{self.service} answered {status}", dependency=self.service)

    def items(self, path: str, *, params: Params | None = None, timeout: float | None = None) -> list[dict[str, Any]]:
        """A list lookup (`{"items": [...]}`) that must succeed."""
        items = self.get_json(path, params=params, timeout=timeout).get("items", [])
        if not isinstance(items, list):
            raise DependencyUnavailable(f"{self.service} answered without items", dependency=self.service)
        return items

    def get(self, path: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None,
            timeout: float | None = None) -> ServiceResponse:
        return self.request("GET", path, params=params, headers=headers, timeout=timeout)

    def post(self, path: str, *, json: Any = None, params: Params | None = None,
             headers: Mapping[str, str] | None = None, timeout: float | None = None) -> ServiceResponse:
        return self.request("POST", path, params=params, json=json, headers=headers, timeout=timeout)
