"""The card-network stand-in sends signed ISO 8583-like messages to the bank: a purchase is a 0100 with STAN,
RRN and the merchant's fields; clearing (0220) and reversal (0400) name the authorization's RRN; a resend is
the same message again. The bank here is a small HTTP server that verifies the signature as the bank does."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

LOCALSTACK_DIR = Path(__file__).resolve().parents[3] / "localstack"
if str(LOCALSTACK_DIR) not in sys.path:
    sys.path.insert(0, str(LOCALSTACK_DIR))

from bank_shared.card_network import SIGNATURE_HEADER, sign, verify  # noqa: E402
from card_network.network import Network  # noqa: E402
from card_network.server import NetworkServer  # noqa: E402

KEY = "k" * 48


class Bank(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if not verify(KEY, body, self.headers.get(SIGNATURE_HEADER)):
            self.send_response(401)
            self.end_headers()
            return
        message = json.loads(body)
        Bank.received.append(message)
        answer = json.dumps({"mti": f"{int(message['mti']) + 10:04d}", "rrn": message["rrn"],
                             "response_code": "00"}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def _serve(server: ThreadingHTTPServer) -> str:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def standin() -> Iterator[str]:
    Bank.received = []
    bank = ThreadingHTTPServer(("127.0.0.1", 0), Bank)
    bank_url = _serve(bank)
    server = NetworkServer(("127.0.0.1", 0), Network(bank_url, KEY))
    yield _serve(server)
    for each in (server, bank):
        each.shutdown()
        each.server_close()


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_purchase_clearing_reversal_and_resend(standin: str) -> None:
    status, sent = _post(f"{standin}/purchase", {"card_ref": "c1", "amount": "12.50", "currency": "USD",
                                                 "merchant": "Coffee", "mcc": "5814", "channel": "online"})
    assert status == 200 and sent["status"] == 200
    auth = sent["request"]
    assert auth["mti"] == "0100" and len(auth["stan"]) == 6 and len(auth["rrn"]) == 12
    assert auth["merchant"]["name"] == "Coffee" and auth["mcc"] == "5814" and auth["processing_code"] == "000000"
    assert sent["response"] == {"mti": "0110", "rrn": auth["rrn"], "response_code": "00"}
    _, cleared = _post(f"{standin}/clearing", {"rrn": auth["rrn"], "amount": "10.00"})
    assert cleared["request"]["mti"] == "0220" and cleared["request"]["amount"] == "10.00"
    assert cleared["request"]["currency"] == "USD" and cleared["response"]["mti"] == "0230"
    _, reversed_ = _post(f"{standin}/reversal", {"rrn": auth["rrn"]})
    assert reversed_["request"]["mti"] == "0400" and reversed_["request"]["amount"] == "12.50"
    _, other = _post(f"{standin}/purchase", {"card_ref": "c1", "amount": "1", "currency": "RUB", "merchant": "M"})
    assert other["request"]["rrn"] != auth["rrn"] and other["request"]["stan"] != auth["stan"]
    _, again = _post(f"{standin}/resend", {"rrn": auth["rrn"], "mti": "0100"})
    assert again["request"] == auth
    assert [m["mti"] for m in Bank.received] == ["0100", "0220", "0400", "0100", "0100"]


def test_cash_withdrawal_has_its_processing_code(standin: str) -> None:
    _, sent = _post(f"{standin}/purchase", {"card_ref": "c1", "amount": "100", "currency": "RUB",
                                            "merchant": "ATM", "mcc": "6011", "channel": "atm"})
    assert sent["request"]["processing_code"] == "010000"


def test_malformed_and_unknown_requests(standin: str) -> None:
    assert _post(f"{standin}/purchase", {"card_ref": "c1"})[0] == 400
    assert _post(f"{standin}/clearing", {"rrn": "nope"})[0] == 404
    assert _post(f"{standin}/elsewhere", {})[0] == 404


def test_signature_is_checked() -> None:
    body = b'{"mti":"0100"}'
    header = sign(KEY, body, 1_000_000)
    assert verify(KEY, body, header, now=1_000_100)
    assert not verify(KEY, body + b" ", header, now=1_000_100)
    assert not verify("other" * 10, body, header, now=1_000_100)
    assert not verify(KEY, body, header, now=1_000_000 + 301)
    assert not verify(KEY, body, None) and not verify(KEY, body, "t=x,v1=y")
