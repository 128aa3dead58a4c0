"""F2: NUL and other control characters are refused with a 422 problem by one request-wide check in
`create_app`, wherever they appear (path, query, JSON or form body), before any route runs."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi import APIRouter, Request
from pydantic import BaseModel

from bank_shared.app import create_app, lambda_entrypoint
from bank_shared.input_guard import body_violations, has_forbidden_character, query_violations
from tests.support.lambda_events import Context

router = APIRouter()
reached: list[str] = []


class Note(BaseModel):
    text: str
    tags: list[str] = []


@router.get("/search")
def search(query: str = "") -> dict[str, str]:
    reached.append(query)
    return {"query": query}


@router.post("/notes")
def create_note(note: Note) -> Note:
    reached.append(note.text)
    return note


@router.post("/form")
async def form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode()
    reached.append(body)
    return {"body": body}


handler = lambda_entrypoint(create_app("guard", [router], health_checks={}))





def call(method: str, path: str, *, query: str = "", body: bytes = b"",
         content_type: str = "application/json") -> tuple[int, dict[str, str], Any]:
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "headers": {"content-type": content_type, "host": "127.0.0.1"},
        "requestContext": {"http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                    "sourceIp": "127.0.0.1", "userAgent": "pytest"},
                           "requestId": "r1", "routeKey": "$default", "stage": "$default",
                           "accountId": "0", "apiId": "local", "domainName": "x", "domainPrefix": "x",
                           "time": "26/Nov/2026:10:00:00 +0000", "timeEpoch": 1795600000000},
        "body": base64.b64encode(body).decode(), "isBase64Encoded": True,
    }
    response = handler(event, Context())
    text = response["body"]
    if response.get("isBase64Encoded"):
        text = base64.b64decode(text).decode()
    return response["statusCode"], response["headers"], json.loads(text) if text else None


@pytest.fixture(autouse=True)
def _clear() -> None:
    reached.clear()


@pytest.mark.parametrize("query", ["query=%00", "query=a%00b", "query=%1F", "query=%7F", "query=%C2%85",
                                   "query=line%0Abreak", "q%00=1", "query=%FF"])
def test_a_control_character_in_the_query_is_a_422_problem(query: str) -> None:
    status, headers, body = call("GET", "/api/guard/search", query=query)
    assert status == 422, body
    assert headers["content-type"] == "application/problem+json"
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["field"].startswith("query.")
    assert reached == []


@pytest.mark.parametrize("text", ["\u0000", "a\u0000b", "\u0007bell", "\u001b[31m", "\u0085", "\ud800"])
def test_a_control_character_in_a_json_string_is_a_422_problem(text: str) -> None:
    raw = json.dumps({"text": "ok", "tags": ["fine", text]}).encode()
    status, _, body = call("POST", "/api/guard/notes", body=raw)
    assert status == 422, body
    assert [error["field"] for error in body["errors"]] == ["body.tags.1"]
    assert reached == []


def test_a_control_character_in_a_json_key_is_refused() -> None:
    status, _, body = call("POST", "/api/guard/notes", body=b'{"text": "ok", "x\\u0000": 1}')
    assert status == 422 and body["errors"][0]["field"] == "body.x\ufffd"


def test_line_breaks_and_tabs_in_bodies_and_unicode_text_are_kept() -> None:
    text = "Договор №1\n\tстрока два\r\n— «ёлка» 東京 👍"  # noqa: RUF001 - Cyrillic on purpose
    status, _, body = call("POST", "/api/guard/notes", body=json.dumps({"text": text}).encode())
    assert status == 200 and body["text"] == text
    status, _, body = call("GET", "/api/guard/search", query="query=%D0%98%D0%B2%D0%B0%D0%BD+7")
    assert status == 200 and body["query"] == "Иван 7"


def test_a_control_character_in_a_form_body_is_refused() -> None:
    status, _, _ = call("POST", "/api/guard/form", body=b"grant_type=client_credentials&client_id=a%00",
                        content_type="application/x-www-form-urlencoded")
    assert status == 422
    status, _, body = call("POST", "/api/guard/form", body=b"grant_type=client_credentials&client_id=a",
                           content_type="application/x-www-form-urlencoded")
    assert status == 200 and body["body"].endswith("client_id=a")


def test_a_control_character_in_the_path_is_refused() -> None:
    status, _, body = call("GET", "/api/guard/sea\u0000rch")
    assert status == 422 and body["errors"][0]["field"] == "path"


def test_malformed_json_is_left_to_the_route() -> None:
    status, _, body = call("POST", "/api/guard/notes", body=b'{"text": ')
    assert status == 422 and body["errors"][0]["type"] == "json_invalid"


def test_the_rule_itself() -> None:
    assert has_forbidden_character("a\u0000")
    assert not has_forbidden_character("a\nb")
    assert has_forbidden_character("a\nb", multiline=False)
    assert query_violations(b"a=1&b=%00") == ["query.b"]
    assert body_violations("application/json", b'{"a": ["\\u0000"]}') == ["body.a.0"]
    assert body_violations("text/plain", b"\x00") == []
