"""Typed application errors and their single mapping to RFC 9457 problem+json responses.

Services raise subclasses of `AppError` (each with a stable machine-readable `code`); nothing else in a
service builds an error response. Unexpected exceptions become a 500 problem without any trace.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://bank.example/problems/"


class AppError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal server error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra


class BadRequest(AppError):
    status, code, title = 400, "bad_request", "Bad request"


class Unauthorized(AppError):
    status, code, title = 401, "unauthorized", "Authentication required"


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(AppError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Conflict"


class Unprocessable(AppError):
    status, code, title = 422, "unprocessable", "The request cannot be processed"


class TooManyRequests(AppError):
    status, code, title = 429, "rate_limited", "Too many requests"


class DependencyUnavailable(AppError):
    status, code, title = 503, "dependency_unavailable", "A dependency is unavailable"


# Refusals that mean the same in every service, with one status each (a code the SPA maps to one message).
class AccountNotFound(NotFound):
    code, title = "account_not_found", "Account not found"


class AccountClosed(Conflict):
    code, title = "account_closed", "The account is closed"


class AccountNotEmpty(Conflict):
    code, title = "account_not_empty", "The account has a balance or active holds"


class SameAccount(Unprocessable):
    code, title = "same_account", "Source and destination are the same account"


class CurrencyMismatch(Unprocessable):
    code, title = "currency_mismatch", "Currencies do not match"


class InsufficientFunds(Unprocessable):
    code, title = "insufficient_funds", "Insufficient funds"


class TransactionNotReversible(Unprocessable):
    code, title = "transaction_not_reversible", "This transaction cannot be reversed"


class AlreadyReversed(Conflict):
    code, title = "already_reversed", "The transaction has already been reversed"


class TransactionNotFound(NotFound):
    code, title = "transaction_not_found", "Transaction not found"


class IdempotencyKeyMissing(BadRequest):
    code, title = "idempotency_key_missing", "Idempotency-Key header is required"


class IdempotencyKeyReused(Unprocessable):
    code, title = "idempotency_key_reused", "Idempotency-Key was used with a different request"


class IdempotencyRequestInFlight(Conflict):
    code, title = "idempotency_request_in_flight", "A request with this Idempotency-Key is still being processed"


def problem(
    status: int, code: str, title: str, detail: str, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
}


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    body = problem(exc.status, exc.code, exc.title, exc.detail, request.url.path, **exc.extra)
    return problem_response(body, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(part) for part in err.get("loc", ()) if part != "body"),
            "message": err.get("msg", "invalid"),
            "type": err.get("type", "value_error"),
        }
        for err in exc.errors()
    ]
    body = problem(422, "validation_failed", "The request is invalid", "One or more fields are invalid",
                   request.url.path, errors=errors)
    return problem_response(body)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    body = problem(exc.status_code, code, str(exc.detail), str(exc.detail), request.url.path)
    return problem_response(body, dict(exc.headers or {}))


# Failures to reach a dependency (the database restarting, an AWS endpoint or Redis down) are not bugs of
# the request: they are 503 + Retry-After, so clients retry (with the same Idempotency-Key), never a 500.
# (module, class name) pairs, checked only for modules already imported (no import cost on this path).
_UNREACHABLE: tuple[tuple[str, str, str], ...] = (
    ("psycopg", "OperationalError", "database"),
    ("psycopg_pool", "PoolTimeout", "database"),
    ("botocore.exceptions", "EndpointConnectionError", "aws"),
    ("botocore.exceptions", "ConnectionClosedError", "aws"),
    ("botocore.exceptions", "ConnectTimeoutError", "aws"),
    ("botocore.exceptions", "ReadTimeoutError", "aws"),
    ("redis.exceptions", "ConnectionError", "redis"),
    ("redis.exceptions", "TimeoutError", "redis"),
)


def unreachable_dependency(exc: BaseException) -> str | None:
    """The dependency `exc` says could not be reached, or None for any other error."""
    import sys

    for module_name, class_name, dependency in _UNREACHABLE:
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module else None
        if isinstance(cls, type) and isinstance(exc, cls):
            return dependency
    return None


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    from bank_shared.observability import logger

    dependency = unreachable_dependency(exc)
    if dependency:
        logger.warning("dependency unreachable", extra={"path": request.url.path, "dependency": dependency,
                                                        "error": type(exc).__name__})
        body = problem(503, DependencyUnavailable.code, DependencyUnavailable.title,
                       f"{dependency} is unavailable; retry shortly", request.url.path, dependency=dependency)
        return problem_response(body, {"Retry-After": "1"})
    logger.exception("unhandled error", extra={"path": request.url.path})
    body = problem(500, "internal_error", "Internal server error", "An unexpected error occurred",
                   request.url.path)
    return problem_response(body)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


class ProblemInstanceMiddleware:
    """`instance` of every problem answer is the path the caller called.

    A service that relays another service's problem (office relaying the ledger's refusal, customer relaying
    fx's) would otherwise hand the caller the other service's internal route (`/api/ledger/internal/...`).
    Problem bodies are small, so the middleware buffers them and rewrites `instance`; other answers stream
    through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path") or "")
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _is_problem(message):
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = with_instance(b"".join(chunks), path)
            headers = [(name, value) for name, value in start.get("headers", []) if name.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


def _is_problem(start: Message) -> bool:
    return any(name.lower() == b"content-type" and value.split(b";")[0].strip() == PROBLEM_JSON.encode()
               for name, value in start.get("headers", []))


def with_instance(body: bytes, path: str) -> bytes:
    """The problem body with `instance` set to `path` (a body that is not a JSON object is left alone)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    if not isinstance(parsed, dict):
        return body
    parsed["instance"] = path
    return json.dumps(parsed, ensure_ascii=False, separators=(",", ":")).encode()
