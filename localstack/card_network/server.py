"""The card-network stand-in's control API, for tests and the CLI (not part of any network protocol):

* ``POST /purchase`` ``{card_ref, amount, currency, merchant, mcc?, channel?, city?, country?}``: send a
  ``0100`` authorization request to the bank;
* ``POST /clearing`` ``{rrn, amount?}``: send a ``0220`` clearing (the authorized amount when absent);
* ``POST /reversal`` ``{rrn}``: send a ``0400`` reversal;
* ``POST /resend`` ``{rrn, mti}``: send the same message again (a network retry);
* ``GET /__messages``: every message sent and the bank's answer; ``GET /health``.

Each POST answers 200 ``{"request": …, "status": <bank's HTTP status>, "response": <bank's answer>}``, 404 for
an unknown RRN, 400 for a malformed control request.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from card_network.network import Network
from standin_server import send_json

PURCHASE_FIELDS = ("card_ref", "amount", "currency", "merchant")
OPTIONAL_FIELDS = ("mcc", "channel", "city", "country")


class NetworkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], network: Network) -> None:
        super().__init__(address, Handler)
        self.network = network


def dispatch(network: Network, path: str, body: dict[str, Any]) -> dict[str, Any]:
    if path == "/purchase":
        missing = [name for name in PURCHASE_FIELDS if not isinstance(body.get(name), str)]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        optional = {name: str(body[name]) for name in OPTIONAL_FIELDS if name in body}
        return network.purchase(body["card_ref"], body["amount"], body["currency"], body["merchant"], **optional)
    rrn = str(body.get("rrn", ""))
    if path == "/clearing":
        return network.clearing(rrn, body.get("amount"))
    if path == "/reversal":
        return network.reversal(rrn)
    if path == "/resend":
        return network.resend(rrn, str(body.get("mti", "")))
    raise LookupError(path)


class Handler(BaseHTTPRequestHandler):
    server: NetworkServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self, status: int, body: Any) -> None:
        send_json(self, status, body)

    def do_GET(self) -> None:
        if self.path == "/health":
            self._answer(200, {"status": "ok"})
        elif self.path == "/__messages":
            self._answer(200, {"items": self.server.network.log})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("a JSON object is expected")
            self._answer(200, dispatch(self.server.network, self.path, body))
        except KeyError as exc:
            self._answer(404, {"error": f"no authorization {exc}"})
        except LookupError:
            self._answer(404, {"error": "not found"})
        except (ValueError, TypeError) as exc:
            self._answer(400, {"error": str(exc)})
