"""Command line: ``python -m acquirer [--host H] [--port P] [--webhook-url URL] [--public-url URL]`` runs the
card-acquiring stand-in (docs/payments.md "Money in"). The shop's credentials and the webhook key come from
``ACQUIRER_SHOP_ID``, ``ACQUIRER_SECRET_KEY`` and ``ACQUIRER_WEBHOOK_KEY`` (the stack sets them from
.local/secrets.json)."""

from __future__ import annotations

import argparse
import os
import sys

from acquirer.payments import Acquirer, Webhooks
from acquirer.server import AcquirerServer
from standin_server import serve_until_terminated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="acquirer", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACQUIRER_PORT", "8097")))
    gateway = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '3000')}"
    parser.add_argument("--webhook-url", default=f"{gateway}/api/accounts/acquiring/webhook")
    parser.add_argument("--public-url", default=None, help="where browsers reach the payment page")
    parser.add_argument("--retry-base-seconds", type=float, default=0.5)
    args = parser.parse_args(argv)
    public_url = args.public_url or f"http://{args.host}:{args.port}"
    webhooks = Webhooks(args.webhook_url, os.environ.get("ACQUIRER_WEBHOOK_KEY", ""),
                        base_delay=args.retry_base_seconds)
    acquirer = Acquirer(os.environ.get("ACQUIRER_SHOP_ID", "bank-local"), os.environ.get("ACQUIRER_SECRET_KEY", ""),
                        public_url, webhooks)
    server = AcquirerServer((args.host, args.port), acquirer)
    return serve_until_terminated(server, f"acquirer stand-in on {public_url}/v3/payments")


if __name__ == "__main__":
    sys.exit(main())
