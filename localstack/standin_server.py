"""What every local stand-in (Frankfurter, Splunk HEC, web push) does once its server is built: print where it
listens, serve until SIGTERM or Ctrl-C, close the socket."""

from __future__ import annotations

import signal
from http.server import HTTPServer
from types import FrameType


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
