"""What every service's OpenAPI document says about the answers `bank_shared` gives on its behalf.

FastAPI documents a route's success answer and its own `HTTPValidationError`; it knows nothing of the
problem+json answers `errors.py`, the rate limiter, the control-character guard and the Idempotency-Key
dependency produce. `document_shared_answers` adds them once for every operation, so the specs in
`api_spec/` (and the SPA's generated client, and the fuzzing tier that checks answers against them) tell
the truth:

- every error answer is `application/problem+json` with the `Problem` schema (4xx incl. 422 with the
  per-field `errors`, 429 with `Retry-After`, 503 when a dependency does not answer);
- `Idempotency-Key` is a required header on money-moving POSTs (optional where a route says so), and
  their success answers may carry `Idempotent-Replayed: true`;
- the `Problem` schema lists in `x-problem-codes` every `code` the service can answer with: the codes of the
  `AppError` subclasses of the service's package and of `bank_shared`, and the framework's own
  (`FRAMEWORK_CODES`); `bank_shared.tools.openapi` adds the codes of the services it relays. The SPA maps
  each of them to a message in both languages (a unit test reads them from `api_spec/`).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from bank_shared.errors import _HTTP_CODES, PROBLEM_JSON, AppError
from bank_shared.idempotency import HEADER, MAX_KEY_LENGTH, REPLAYED_HEADER, REQUIRED_MARK

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details; `code` is stable and machine-readable",
        "type": "object",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string", "description": "A URI naming the problem type"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "code": {"type": "string", "examples": ["insufficient_funds", "validation_failed"]},
            "instance": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"},
                       "description": "validation_failed: one entry per invalid field"},
        },
        "additionalProperties": True,
    },
    "FieldProblem": {
        "title": "FieldProblem",
        "type": "object",
        "required": ["field", "message", "type"],
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}, "type": {"type": "string"}},
    },
}
# The answers any route may give through the shared layer (the gateway answers 401 before the function),
# as reusable components: status -> (component name, description).
SHARED_ANSWERS: dict[str, tuple[str, str]] = {
    "400": ("BadRequest", "Bad request (e.g. a missing or malformed Idempotency-Key)"),
    "401": ("Unauthorized", "Authentication required"),
    "403": ("Forbidden", "Not allowed for the caller's role, or not the caller's object"),
    "404": ("NotFound", "Not found (or not the caller's)"),
    "409": ("Conflict", "Conflict (e.g. a request with the same Idempotency-Key is still being processed)"),
    "422": ("Unprocessable", "Validation failed (each field in `errors`) or a business rule refused the request"),
    "429": ("TooManyRequests", "Rate limited; retry after `Retry-After` seconds"),
    "503": ("DependencyUnavailable", "A dependency did not answer in time; retry later with the same "
                                     "Idempotency-Key"),
}
RETRY_AFTER = {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
RETRY_STATUSES = ("409", "429", "503")
REPLAYED = {"description": "true when this is the stored answer of an earlier request with the same key",
            "schema": {"type": "string", "enum": ["true"]}}
FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")
CODES_KEY = "x-problem-codes"
# Codes answered without an AppError: validation (errors.py, input_guard.py), the rate limiter's 503, a 500,
# and the framework's HTTP errors (errors._HTTP_CODES).
FRAMEWORK_CODES = frozenset({"validation_failed", "internal_error", "rate_limiter_unavailable", "http_error",
                             *_HTTP_CODES.values()})
SKIPPED_PACKAGES = (".tools", ".migrations")


def _import_all(package_name: str) -> None:
    """Every module of a package, so the codes listed do not depend on what happened to be imported (an app
    whose service has no package of that name, as in the shared layer's tests, lists the shared codes)."""
    if importlib.util.find_spec(package_name) is None:
        return
    package = importlib.import_module(package_name)
    for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
        if not any(part in module.name for part in SKIPPED_PACKAGES):
            importlib.import_module(module.name)


def _subclasses(cls: type[AppError]) -> Iterator[type[AppError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def problem_codes(service: str) -> list[str]:
    """Every `code` the service's own code and the shared layer can answer with, sorted."""
    packages = ("bank_shared", f"{service}_service")
    for package in packages:
        _import_all(package)
    codes = {error.code for error in _subclasses(AppError) if error.__module__.split(".")[0] in packages}
    return sorted(codes | FRAMEWORK_CODES | {AppError.code})


def shared_responses() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for status, (name, description) in SHARED_ANSWERS.items():
        answer: dict[str, Any] = {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}
        if status in RETRY_STATUSES:
            answer["headers"] = {"Retry-After": RETRY_AFTER}
        components[name] = answer
    return components


def _document_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, (name, _) in SHARED_ANSWERS.items():
        responses[status] = {"$ref": f"#/components/responses/{name}"}
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == HEADER:
            parameter["required"] = bool(parameter.get("schema", {}).get(REQUIRED_MARK))
            parameter["schema"] = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}
            for status, answer in responses.items():
                if status.startswith("2"):
                    answer.setdefault("headers", {})[REPLAYED_HEADER] = REPLAYED


def document_shared_answers(spec: dict[str, Any], codes: list[str] | None = None) -> dict[str, Any]:
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _document_operation(operation)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in FRAMEWORK_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(PROBLEM_SCHEMAS)
    if codes is not None:
        schemas["Problem"] = {**PROBLEM_SCHEMAS["Problem"], CODES_KEY: codes}
    components["responses"] = shared_responses()
    return spec


def install_openapi(app: FastAPI, service: str | None = None) -> None:
    """Replace `app.openapi` by FastAPI's document plus the shared answers and, for a named service, its
    problem codes (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "shared_answers_documented", False):
            app.openapi_schema = None
            spec = build()
            app.openapi_schema = document_shared_answers(spec, problem_codes(service) if service else None)
            app.state.shared_answers_documented = True
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
