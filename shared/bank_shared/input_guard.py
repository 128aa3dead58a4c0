"""One request-wide check for characters no field of this bank accepts, installed by `create_app`.

A NUL (`\\u0000`) cannot be stored in a PostgreSQL text column and used to surface as a 500/503 on any
route that wrote or searched text; other C0/C1 control characters and lone UTF-16 surrogates are never
meaningful in a name, an e-mail, a description or a search either, and lone surrogates cannot be encoded
as UTF-8 at all. So every request is checked once, before any route runs:

- the path and every query parameter (name and value): no control character at all;
- every string (and object key) in a JSON or form body: no control character except tab, line feed and
  carriage return (multi-line texts such as contract templates keep their line breaks).

A request that breaks the rule gets the same 422 `validation_failed` problem as any other invalid field,
with one entry per offending field (`query.<name>`, `body.<path>`, `path`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bank_shared.errors import problem, problem_response

# C0 controls, DEL, C1 controls and lone surrogates; bodies may keep \t \n \r.
_FORBIDDEN_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MESSAGE = "Control characters (such as U+0000) are not allowed"
ERROR_TYPE = "string_control_character"
MAX_CHECKED_BODY = 1024 * 1024  # larger bodies are refused by the routes' own limits anyway


def has_forbidden_character(text: str, *, multiline: bool = True) -> bool:
    """True when `text` holds a character no field accepts (`multiline`: tab/LF/CR are allowed)."""
    pattern = _FORBIDDEN_IN_TEXT if multiline else _FORBIDDEN_IN_LINE
    return pattern.search(text) is not None


def _json_paths(value: Any, path: str) -> Iterator[str]:
    """Locations of the strings (values or keys) in a parsed JSON document that break the rule."""
    if isinstance(value, str):
        if has_forbidden_character(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if has_forbidden_character(str(key)):
                yield child
            yield from _json_paths(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_paths(item, f"{path}.{index}" if path else str(index))


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";", 1)[0].strip().lower())
    return ""


def query_violations(query_string: bytes) -> list[str]:
    pairs = parse_qsl(query_string.decode("utf-8", "surrogateescape"), keep_blank_values=True,
                      errors="surrogateescape")
    return [f"query.{_printable(name)}" for name, value in pairs
            if has_forbidden_character(name, multiline=False) or has_forbidden_character(value, multiline=False)]


def body_violations(content_type: str, body: bytes) -> list[str]:
    if not body or len(body) > MAX_CHECKED_BODY:
        return []
    if content_type == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("utf-8", "surrogateescape"), keep_blank_values=True,
                          errors="surrogateescape")
        return [f"body.{_printable(name)}" for name, value in pairs
                if has_forbidden_character(name) or has_forbidden_character(value)]
    if content_type.endswith("json"):
        try:
            document = json.loads(body)
        except ValueError:
            return []  # not JSON: the route's own parsing answers with its 422
        return ["body" + (f".{_printable(path)}" if path else "") for path in _json_paths(document, "")]
    return []


def _printable(text: str) -> str:
    return _FORBIDDEN_IN_LINE.sub("\ufffd", text)


class ControlCharacterGuard:
    """ASGI middleware: refuses (422) a request with a forbidden character in its path, query or body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        violations = ["path"] if has_forbidden_character(str(scope.get("path", "")), multiline=False) else []
        violations += query_violations(scope.get("query_string") or b"")
        body, more = b"", True
        messages: list[Message] = []
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            while more:
                message = await receive()
                messages.append(message)
                body += message.get("body", b"")
                more = message.get("more_body", False) and message["type"] == "http.request"
            violations += body_violations(_content_type(scope), body)
        if violations:
            errors = [{"field": field, "message": MESSAGE, "type": ERROR_TYPE} for field in violations]
            answer = problem(422, "validation_failed", "The request is invalid", MESSAGE, scope["path"],
                             errors=errors)
            await problem_response(answer)(scope, receive, send)
            return
        await self.app(scope, _replay(messages, receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands the buffered body back before anything else the server sends."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
