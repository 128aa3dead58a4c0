"""Command line: ``python -m frankfurter_standin [--host H] [--port P] [options]``.

Every option has an environment default: FRANKFURTER_HOST, FRANKFURTER_PORT (as in
localstack/stack.env), FRANKFURTER_FAIL_RATE, FRANKFURTER_DELAY_MS and
FRANKFURTER_ERROR_STATUS.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from frankfurter_standin.server import FaultState, StandinServer
from standin_server import serve_until_terminated


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="frankfurter_standin", description=__doc__)
    parser.add_argument("--host", default=env("FRANKFURTER_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("FRANKFURTER_PORT", "8089")))
    parser.add_argument(
        "--fail-rate",
        type=_rate,
        default=_rate(env("FRANKFURTER_FAIL_RATE", "0")),
        help="share of API calls (0..1) answered with a 5xx",
    )
    parser.add_argument(
        "--delay-ms",
        type=int,
        default=int(env("FRANKFURTER_DELAY_MS", "0")),
        help="latency added to every API call",
    )
    parser.add_argument(
        "--error-status",
        type=int,
        default=int(env("FRANKFURTER_ERROR_STATUS", "503")),
        help="status of injected failures (500-599)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    faults = FaultState(fail_rate=args.fail_rate, delay_ms=args.delay_ms, error_status=args.error_status)
    server = StandinServer((args.host, args.port), faults=faults, quiet=args.quiet)

    host, port = server.server_address[:2]
    latest = server.snapshot.latest_day
    return serve_until_terminated(server, f"frankfurter stand-in on http://{host!s}:{port} (latest {latest})")


if __name__ == "__main__":
    sys.exit(main())
