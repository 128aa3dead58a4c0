"""What every service's OpenAPI document says about the answers `bank_shared` gives on its behalf.

FastAPI documents a route's success answer and its own `HTTPValidationError`; it knows nothing of the
problem+json answers `errors.py`, the rate limiter, the control-character guard and the Idempotency-Key
dependency produce. `document_shared_answers` adds them once for every operation, so the specs in
`api_spec/` (and the SPA's generated client, and the fuzzing tier that checks answers against them) tell
the truth:

- every error answer is `application/problem+json` with the `Problem` schema (4xx incl. 422 with the
  per-field `errors`, 429 with `Retry-After`, 503 when a dependency does not answer);
- `Idempotency-Key` is a required header on money-moving POSTs (optional where a route says so), and
  their success answers may carry `Idempotent-Replayed: true`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from bank_shared.errors import PROBLEM_JSON
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


def document_shared_answers(spec: dict[str, Any]) -> dict[str, Any]:
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _document_operation(operation)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in FRAMEWORK_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(PROBLEM_SCHEMAS)
    components["responses"] = shared_responses()
    return spec


def install_openapi(app: FastAPI) -> None:
    """Replace `app.openapi` by FastAPI's document plus the shared answers (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "shared_answers_documented", False):
            app.openapi_schema = None
            spec = build()
            app.openapi_schema = document_shared_answers(spec)
            app.state.shared_answers_documented = True
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
