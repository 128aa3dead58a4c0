"""The acquirer stand-in behaves as a hosted-payment-page acquirer: the shop creates a payment under an
Idempotence-Key with Basic credentials, the browser pays on the page with a test card (success, insufficient
funds, 3-D Secure), is sent back to the return URL, and the shop gets a signed webhook, retried until it
answers 2xx. No full card number appears in any answer, page or delivery. The shop here is a small HTTP server
that verifies the signature as the bank does."""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

LOCALSTACK_DIR = Path(__file__).resolve().parents[3] / "localstack"
if str(LOCALSTACK_DIR) not in sys.path:
    sys.path.insert(0, str(LOCALSTACK_DIR))

from acquirer.payments import INSUFFICIENT_FUNDS, NEEDS_3DS, SUCCEEDS, Acquirer, Webhooks, luhn_ok  # noqa: E402
from acquirer.server import AcquirerServer  # noqa: E402
from bank_shared.acquiring import SIGNATURE_HEADER, mask_pan, verify  # noqa: E402

KEY, SECRET = "w" * 48, "s" * 32
AUTH = {"Authorization": "Basic " + base64.b64encode(f"shop:{SECRET}".encode()).decode()}


class Shop(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    failures_left = 0

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verify(KEY, body, self.headers.get(SIGNATURE_HEADER))
        if ok and Shop.failures_left == 0:
            Shop.received.append(json.loads(body))
        status = 401 if not ok else 503 if Shop.failures_left else 200
        Shop.failures_left = max(0, Shop.failures_left - 1)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _serve(server: ThreadingHTTPServer) -> str:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def standin() -> Iterator[str]:
    Shop.received, Shop.failures_left = [], 0
    shop = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    shop_url = _serve(shop)
    server = AcquirerServer(("127.0.0.1", 0), Acquirer("shop", SECRET, "", Webhooks(shop_url, KEY, 0.05)))
    url = _serve(server)
    server.acquirer.public_url = url
    yield url
    for each in (server, shop):
        each.shutdown()
        each.server_close()


def _call(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET",  # noqa: S310
                                     headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Location", "")


def _create(url: str, key: str = "k1", value: str = "150.00") -> dict[str, Any]:
    body = {"amount": {"value": value, "currency": "RUB"}, "description": "Top-up", "metadata": {"order_id": "t1"},
            "confirmation": {"type": "redirect", "return_url": "http://bank.example/lk/topup/return/?topup=t1"}}
    status, raw, _ = _call(f"{url}/v3/payments", json.dumps(body).encode(),
                           {**AUTH, "Idempotence-Key": key, "Content-Type": "application/json"})
    assert status == 200, raw
    answer: dict[str, Any] = json.loads(raw)
    return answer


def _pay(payment: dict[str, Any], number: str) -> tuple[int, bytes, str]:
    form = urllib.parse.urlencode({"number": number, "expiry": "12/39", "cvc": "123", "holder": "IVAN IVANOV"})
    return _call(payment["confirmation"]["confirmation_url"], form.encode())


def _webhooks(count: int) -> list[dict[str, Any]]:
    for _ in range(200):
        if len(Shop.received) >= count:
            break
        time.sleep(0.02)
    return Shop.received


def test_creating_a_payment_needs_credentials_and_is_idempotent_on_its_key(standin: str) -> None:
    assert _call(f"{standin}/v3/payments", b"{}", {"Idempotence-Key": "x"})[0] == 401
    first = _create(standin)
    assert first["status"] == "pending" and first["amount"] == {"value": "150.00", "currency": "RUB"}
    assert first["confirmation"]["confirmation_url"] == f"{standin}/pay/{first['id']}"
    assert _create(standin)["id"] == first["id"]
    assert _create(standin, key="k2")["id"] != first["id"]
    status, raw, _ = _call(f"{standin}/v3/payments", json.dumps({"amount": {"value": "1.00", "currency": "RUB"},
                           "confirmation": {"return_url": "http://x/"}}).encode(), {**AUTH, "Idempotence-Key": "k1"})
    assert status == 400 and b"Idempotence-Key" in raw


def test_a_successful_card_redirects_back_and_sends_one_signed_webhook(standin: str) -> None:
    payment = _create(standin)
    status, page, _ = _call(payment["confirmation"]["confirmation_url"])
    assert status == 200 and b'<label for="number">' in page and b"150.00 RUB" in page
    status, _, location = _pay(payment, SUCCEEDS)
    assert status == 303 and location == payment["confirmation"]["return_url"]
    [event] = _webhooks(1)
    assert event["event"] == "payment.succeeded" and event["object"]["id"] == payment["id"]
    assert event["object"]["payment_method"]["card"] == {"first6": "411111", "last4": "1111"}
    status, raw, _ = _call(f"{standin}/v3/payments/{payment['id']}", headers=AUTH)
    assert status == 200 and json.loads(raw)["status"] == "succeeded"
    assert SUCCEEDS.encode() not in raw and SUCCEEDS not in json.dumps(Shop.received)
    assert _call(f"{standin}/v3/payments/{payment['id']}")[0] == 401


def test_insufficient_funds_cancels_with_the_reason(standin: str) -> None:
    payment = _create(standin)
    assert _pay(payment, INSUFFICIENT_FUNDS)[0] == 303
    [event] = _webhooks(1)
    assert event["event"] == "payment.canceled"
    assert event["object"]["cancellation_details"]["reason"] == "insufficient_funds"


def test_the_3ds_card_waits_for_the_confirm_click(standin: str) -> None:
    payment = _create(standin)
    status, _, location = _pay(payment, NEEDS_3DS)
    assert status == 303 and location == f"/pay/{payment['id']}"
    status, page, _ = _call(payment["confirmation"]["confirmation_url"])
    assert b"3-D Secure" in page and b"400000******3220" in page and NEEDS_3DS.encode() not in page
    assert Shop.received == []
    status, _, location = _call(f"{standin}/pay/{payment['id']}/3ds", b"decision=confirm")
    assert status == 303 and location == payment["confirmation"]["return_url"]
    assert _webhooks(1)[0]["event"] == "payment.succeeded"


def test_a_bad_card_number_shows_the_form_again_and_changes_nothing(standin: str) -> None:
    payment = _create(standin)
    status, page, _ = _pay(payment, "4111111111111112")
    assert status == 422 and "Проверьте номер карты".encode() in page
    assert _create(standin)["status"] == "pending"


def test_webhooks_are_retried_with_back_off_until_the_shop_answers_2xx(standin: str) -> None:
    Shop.failures_left = 2
    _pay(_create(standin), SUCCEEDS)
    assert len(_webhooks(1)) == 1
    _, raw, _ = _call(f"{standin}/__webhooks")
    assert [entry["status"] for entry in json.loads(raw)["items"]] == [503, 503, 200]


def test_luhn_and_masking() -> None:
    assert luhn_ok(SUCCEEDS) and luhn_ok(INSUFFICIENT_FUNDS) and luhn_ok(NEEDS_3DS)
    assert not luhn_ok("4111111111111112") and not luhn_ok("12")
    assert mask_pan("4111 1111 1111 1111") == "411111******1111" and mask_pan("123") == "****"


def _refund(url: str, payment_id: str, value: str, key: str) -> tuple[int, dict[str, Any]]:
    body = {"payment_id": payment_id, "amount": {"value": value, "currency": "RUB"}, "description": "Refund"}
    status, raw, _ = _call(f"{url}/v3/refunds", json.dumps(body).encode(),
                           {**AUTH, "Idempotence-Key": key, "Content-Type": "application/json"})
    answer: dict[str, Any] = json.loads(raw)
    return status, answer


def test_a_refund_is_idempotent_signed_and_never_above_the_captured_amount(standin: str) -> None:
    payment = _create(standin)
    assert _refund(standin, payment["id"], "150.00", "r0")[0] == 400  # not paid yet: nothing to refund
    _pay(payment, SUCCEEDS)
    _webhooks(1)
    status, refund = _refund(standin, payment["id"], "100.00", "r1")
    assert status == 200 and refund["status"] == "succeeded" and refund["payment_id"] == payment["id"]
    assert _refund(standin, payment["id"], "100.00", "r1")[1]["id"] == refund["id"]  # the same key: the same refund
    status, problem = _refund(standin, payment["id"], "50.01", "r2")
    assert status == 400 and "exceeds" in problem["description"]
    assert _refund(standin, payment["id"], "50.00", "r3")[0] == 200
    assert _refund(standin, payment["id"], "0.01", "r4")[0] == 400
    events = _webhooks(3)
    assert [event["event"] for event in events].count("refund.succeeded") == 2
    _, raw, _ = _call(f"{standin}/v3/payments/{payment['id']}", headers=AUTH)
    assert json.loads(raw)["refunded_amount"] == {"value": "150.00", "currency": "RUB"}
    status, raw, _ = _call(f"{standin}/v3/refunds/{refund['id']}", headers=AUTH)
    assert status == 200 and json.loads(raw)["amount"] == {"value": "100.00", "currency": "RUB"}
    _, raw, _ = _call(f"{standin}/v3/refunds?payment_id={payment['id']}", headers=AUTH)
    assert len(json.loads(raw)["items"]) == 2
    assert _call(f"{standin}/v3/refunds/{refund['id']}")[0] == 401
    status, raw, _ = _call(f"{standin}/__webhooks/{refund['id']}/resend", b"")
    assert status == 200 and json.loads(raw)["status"] == 200
    assert [event["object"]["id"] for event in _webhooks(4)].count(refund["id"]) == 2
