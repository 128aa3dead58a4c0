"""Command line: ``python -m card_network serve [--host H] [--port P] [--bank-url URL]`` runs the stand-in;
``python -m card_network purchase --card-ref ID --amount 12.50 --currency RUB --merchant NAME [--mcc 5411]
[--channel pos|online|atm]`` fires a purchase through a running stand-in (its control API) and prints the answer.
The shared key comes from ``CARD_NETWORK_KEY`` (the stack sets it from .local/secrets.json)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request

from card_network.network import Network
from card_network.server import NetworkServer
from standin_server import serve_until_terminated


def _purchase(args: argparse.Namespace) -> int:
    body = {"card_ref": args.card_ref, "amount": args.amount, "currency": args.currency,
            "merchant": args.merchant, "mcc": args.mcc, "channel": args.channel}
    request = urllib.request.Request(f"http://{args.host}:{args.port}/purchase", method="POST",
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http URL built here
        print(json.dumps(json.loads(response.read()), indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="card_network", description=__doc__)
    parser.add_argument("command", choices=["serve", "purchase"], nargs="?", default="serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CARD_NETWORK_PORT", "8096")))
    gateway = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '3000')}"
    parser.add_argument("--bank-url", default=f"{gateway}/api/accounts/network/messages")
    for name in ("--card-ref", "--amount", "--currency", "--merchant"):
        parser.add_argument(name)
    parser.add_argument("--mcc", default="5411")
    parser.add_argument("--channel", default="pos", choices=["pos", "online", "atm"])
    args = parser.parse_args(argv)
    if args.command == "purchase":
        return _purchase(args)
    server = NetworkServer((args.host, args.port), Network(args.bank_url, os.environ.get("CARD_NETWORK_KEY", "")))
    return serve_until_terminated(server, f"card network stand-in on http://{args.host}:{args.port}/purchase")


if __name__ == "__main__":
    sys.exit(main())
