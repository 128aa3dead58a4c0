"""Command line: ``python -m push_standin [--host H] [--port P]``."""

from __future__ import annotations

import argparse
import os
import sys

from push_standin.server import PushServer, Store
from standin_server import serve_until_terminated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="push_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PUSH_PORT", "8094")))
    args = parser.parse_args(argv)
    server = PushServer((args.host, args.port), Store())
    return serve_until_terminated(server, f"web push stand-in on http://{args.host}:{args.port}/push/<token>")


if __name__ == "__main__":
    sys.exit(main())
