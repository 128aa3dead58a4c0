"""The acquirer stand-in's HTTP server.

The shop's API (HTTP Basic ``shop_id:secret_key``):

* ``POST /v3/payments`` (header ``Idempotence-Key``): create a payment; the same key and body answer the same
  payment, the same key with another body is 400;
* ``GET /v3/payments/{id}``: the payment (``pending``, ``succeeded``, ``canceled`` with
  ``cancellation_details.reason``; ``refunded_amount`` once refunded);
* ``POST /v3/refunds`` (header ``Idempotence-Key``) ``{payment_id, amount: {value, currency}, description}``: a
  refund of a succeeded payment, never above what it captured (400 ``invalid_request``); ``GET
  /v3/refunds/{id}``; ``GET /v3/refunds?payment_id=<id>`` (``{type: "list", items}``).

The hosted payment page (the customer's browser): ``GET /pay/{id}`` (the card form, or the 3-D Secure step),
``POST /pay/{id}`` (the typed card), ``POST /pay/{id}/3ds`` (confirm or cancel); once the payment is finished the
browser is redirected (303) to the payment's return URL.

Control API, for tests and people: ``GET /__webhooks`` (every delivery attempt and the shop's HTTP status),
``POST /__webhooks/hold`` ``{"held": true|false}`` (hold deliveries back, as if the shop were unreachable),
``POST /__webhooks/{id}/resend`` (deliver the payment's — or the refund's — last event once more, as a retry;
answers the shop's status), ``GET /health``.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from acquirer.page import done_page, form_page, three_ds_page
from acquirer.payments import Acquirer, Card, PaymentError
from bank_shared.acquiring import IDEMPOTENCE_HEADER
from standin_server import send_json

PAYMENT_PATH = re.compile(r"^/v3/payments/([0-9a-f-]{36})$")
REFUND_PATH = re.compile(r"^/v3/refunds/([0-9a-f-]{36})$")
PAGE_PATH = re.compile(r"^/pay/([0-9a-f-]{36})(/3ds)?$")
RESEND_PATH = re.compile(r"^/__webhooks/([0-9a-f-]{36})/resend$")


class AcquirerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], acquirer: Acquirer) -> None:
        super().__init__(address, Handler)
        self.acquirer = acquirer


class Handler(BaseHTTPRequestHandler):
    server: AcquirerServer

    def log_message(self, format: str, *args: Any) -> None:
        return  # the access log would show payment page paths only, but say nothing useful either

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _html(self, status: int, page: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(page)

    def _redirect(self, location: str) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authorized(self) -> bool:
        acquirer = self.server.acquirer
        expected = base64.b64encode(f"{acquirer.shop_id}:{acquirer.secret_key}".encode()).decode()
        given = self.headers.get("Authorization", "").removeprefix("Basic ").strip()
        return hmac.compare_digest(given, expected)

    def do_GET(self) -> None:
        try:
            self._get()
        except PaymentError as exc:
            send_json(self, exc.status, {"type": "error", "code": exc.code, "description": exc.description})

    def _get(self) -> None:
        acquirer = self.server.acquirer
        if self.path == "/health":
            send_json(self, 200, {"status": "ok"})
        elif self.path == "/__webhooks":
            send_json(self, 200, {"items": acquirer.webhooks.log, "held": acquirer.webhooks.held})
        elif match := PAYMENT_PATH.match(self.path):
            if not self._authorized():
                raise PaymentError(401, "invalid_credentials", "Authentication failed")
            send_json(self, 200, acquirer.get(match.group(1)).view())
        elif self.path.startswith("/v3/refunds"):
            self._get_refunds()
        elif (match := PAGE_PATH.match(self.path)) and not match.group(2):
            payment = acquirer.get(match.group(1))
            if payment.status != "pending":
                self._html(200, done_page(payment))
            else:
                self._html(200, three_ds_page(payment) if payment.awaiting_3ds else form_page(payment))
        else:
            send_json(self, 404, {"type": "error", "code": "not_found", "description": "No such path"})

    def _get_refunds(self) -> None:
        acquirer = self.server.acquirer
        if not self._authorized():
            raise PaymentError(401, "invalid_credentials", "Authentication failed")
        url = urlsplit(self.path)
        if match := REFUND_PATH.match(url.path):
            send_json(self, 200, acquirer.get_refund(match.group(1)).view())
        elif url.path == "/v3/refunds":
            payment_id = (parse_qs(url.query).get("payment_id") or [""])[0]
            items = [refund.view() for refund in acquirer.refunds.values()
                     if not payment_id or refund.payment_id == payment_id]
            send_json(self, 200, {"type": "list", "items": items})
        else:
            send_json(self, 404, {"type": "error", "code": "not_found", "description": "No such path"})

    def do_POST(self) -> None:
        try:
            self._post(self._body())
        except PaymentError as exc:
            send_json(self, exc.status, {"type": "error", "code": exc.code, "description": exc.description})
        except (ValueError, TypeError) as exc:
            send_json(self, 400, {"type": "error", "code": "invalid_request", "description": str(exc)})

    def _post(self, raw: bytes) -> None:
        acquirer = self.server.acquirer
        if self.path in ("/v3/payments", "/v3/refunds"):
            if not self._authorized():
                raise PaymentError(401, "invalid_credentials", "Authentication failed")
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("a JSON object is expected")
            key = self.headers.get(IDEMPOTENCE_HEADER, "")
            made = acquirer.create(key, body) if self.path == "/v3/payments" else acquirer.refund(key, body)
            send_json(self, 200, made.view())
        elif match := PAGE_PATH.match(self.path):
            self._page_post(match.group(1), bool(match.group(2)), parse_qs(raw.decode()))
        elif self.path == "/__webhooks/hold":
            acquirer.webhooks.held = bool(json.loads(raw or b"{}").get("held"))
            send_json(self, 200, {"held": acquirer.webhooks.held})
        elif match := RESEND_PATH.match(self.path):
            refund = acquirer.refunds.get(match.group(1))
            event = ({"type": "notification", "event": "refund.succeeded", "object": refund.view()} if refund
                     else acquirer.event(acquirer.get(match.group(1))))
            send_json(self, 200, {"status": acquirer.webhooks.post(event)})
        else:
            send_json(self, 404, {"type": "error", "code": "not_found", "description": "No such path"})

    def _page_post(self, payment_id: str, three_ds: bool, form: dict[str, list[str]]) -> None:
        acquirer = self.server.acquirer

        def field(name: str) -> str:
            return (form.get(name) or [""])[0].strip()

        if three_ds:
            acquirer.confirm_3ds(payment_id, field("decision") == "confirm")
        else:
            card = Card(field("number").replace(" ", ""), field("expiry"), field("cvc"), field("holder"))
            problem = acquirer.pay(payment_id, card)
            if problem:
                self._html(422, form_page(acquirer.get(payment_id), problem, card.holder))
                return
        payment = acquirer.get(payment_id)
        self._redirect(payment.return_url if payment.status != "pending" else f"/pay/{payment_id}")
