"""Command line: ``python -m push_standin [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType

from push_standin.server import PushServer, Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="push_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PUSH_PORT", "8094")))
    args = parser.parse_args(argv)
    server = PushServer((args.host, args.port), Store())

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"web push stand-in on http://{args.host}:{args.port}/push/<token>", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
