"""Start the Frankfurter stand-in on a free port in a background thread."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

LOCALSTACK_DIR = Path(__file__).resolve().parents[3] / "localstack"
if str(LOCALSTACK_DIR) not in sys.path:
    sys.path.insert(0, str(LOCALSTACK_DIR))

if TYPE_CHECKING:
    from frankfurter_standin.server import StandinServer

Fetch = Callable[..., tuple[int, Any]]


@pytest.fixture(scope="module")
def server() -> Iterator[StandinServer]:
    from frankfurter_standin.server import FaultState, StandinServer

    srv = StandinServer(("127.0.0.1", 0), faults=FaultState(), quiet=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def fetch(server: StandinServer) -> Iterator[Fetch]:
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def _fetch(path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET")  # noqa: S310 - http to 127.0.0.1
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    yield _fetch
    server.faults.reset()
