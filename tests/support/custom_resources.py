"""CloudFormation's side of a custom resource, for tests: the request event and a real HTTP endpoint that
receives the answer as CloudFormation's pre-signed S3 URL would (a PUT with an empty content type)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

STACK_ID = "arn:aws:cloudformation:eu-central-1:123456789012:stack/bank-test/6f1f2a30-0000-0000-0000-000000000000"


def event(resource_type: str, request_type: str, properties: dict[str, Any], *, url: str = "http://127.0.0.1:9/r",
          physical_id: str | None = None, old_properties: dict[str, Any] | None = None,
          logical_id: str = "Resource") -> dict[str, Any]:
    body: dict[str, Any] = {
        "RequestType": request_type,
        "ResponseURL": url,
        "StackId": STACK_ID,
        "RequestId": str(uuid.uuid4()),
        "ResourceType": resource_type,
        "LogicalResourceId": logical_id,
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:eu-central-1:123456789012:function:x",
                               "ServiceTimeout": "600", **properties},
    }
    if physical_id is not None:
        body["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        body["OldResourceProperties"] = old_properties
    return body


@dataclass
class Answers:
    """What the endpoint received: parsed bodies and the raw requests' headers."""

    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    fail_first: int = 0  # answer 500 to this many requests first (retry tests)

    @property
    def only(self) -> dict[str, Any]:
        assert len(self.bodies) == 1, f"expected exactly one answer, got {len(self.bodies)}"
        return self.bodies[0]


@contextmanager
def response_endpoint() -> Iterator[Answers]:
    answers = Answers()

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if answers.fail_first > 0:
                answers.fail_first -= 1
                self.send_response(500)
                self.end_headers()
                return
            answers.headers.append({key.lower(): value for key, value in self.headers.items()})
            answers.bodies.append(json.loads(raw))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    answers.url = f"http://127.0.0.1:{server.server_address[1]}/cloudformation-response?X-Amz-Signature=abc"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield answers
    finally:
        server.shutdown()
        server.server_close()


class Context:
    """A Lambda context with the only method the helper uses."""

    def __init__(self, remaining_ms: int = 300_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms
