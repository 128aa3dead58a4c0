"""What every local stand-in (Frankfurter, Splunk HEC, web push) does once its server is built: print where it
listens, serve until SIGTERM or Ctrl-C, close the socket."""

from __future__ import annotations

import json
import signal
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import FrameType
from typing import Any


def serve_until_terminated(server: HTTPServer, banner: str) -> int:
    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(banner, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def send_json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    """Answer `body` as JSON with its length (keep-alive clients need it)."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
