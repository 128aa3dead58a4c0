"""Command line: ``python -m hec_standin [--host H] [--port P] [--store FILE]``; the token comes from the
environment (HEC_TOKEN), never from the command line (which `ps` shows)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from hec_standin.server import HecServer, Store
from standin_server import serve_until_terminated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hec_standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HEC_PORT", "8088")))
    parser.add_argument("--store", type=Path, default=None, help="JSON-lines file of received events")
    args = parser.parse_args(argv)
    token = os.environ.get("HEC_TOKEN", "")
    if not token:
        print("HEC_TOKEN is not set", file=sys.stderr)
        return 2
    server = HecServer((args.host, args.port), token, Store(args.store))
    return serve_until_terminated(server, f"HEC stand-in on http://{args.host}:{args.port}/services/collector/event")


if __name__ == "__main__":
    sys.exit(main())
