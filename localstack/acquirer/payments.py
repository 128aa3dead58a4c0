"""The acquirer's side of a card payment with a hosted payment page, shaped as real acquiring APIs are
(YooKassa, CloudPayments, Stripe Checkout):

1. the shop (the bank) creates a payment — ``POST /v3/payments`` with HTTP Basic ``shop_id:secret_key`` and an
   ``Idempotence-Key`` header: ``{amount: {value, currency}, description, metadata: {order_id}, confirmation:
   {type: "redirect", return_url}}`` — and gets it back ``pending`` with ``confirmation.confirmation_url``, the
   hosted payment page;
2. the customer's browser opens that page, types a card (number, expiry, CVC, holder); test cards decide the
   outcome (``TEST_CARDS``), one of them asks for a 3-D Secure confirmation first;
3. the payment becomes ``succeeded`` or ``canceled`` (``cancellation_details.reason``), the browser is sent back
   to the return URL and the shop gets a signed webhook (``bank_shared.acquiring``): ``{type: "notification",
   event: "payment.succeeded" | "payment.canceled", object: <the payment>}``, retried with back-off until the
   shop answers 2xx;
4. ``GET /v3/payments/{id}`` tells the shop the payment's status at any time;
5. the shop may refund a succeeded payment, in whole or in parts never above what was captured
   (``acquirer.refunds``), and gets a signed ``refund.succeeded`` webhook.

No card number is kept: only its masked form (first six, last four digits). Payments live in memory.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from acquirer.refunds import Refund, refund_value, refunded
from bank_shared.acquiring import SIGNATURE_HEADER, mask_pan, sign

SUCCEEDS, INSUFFICIENT_FUNDS, NEEDS_3DS = "4111111111111111", "4000000000000002", "4000000000003220"
# The test cards: what paying with each does. Any other valid number is declined by its "issuer".
TEST_CARDS = {SUCCEEDS: "succeeded", INSUFFICIENT_FUNDS: "insufficient_funds", NEEDS_3DS: "3ds"}


class PaymentError(Exception):
    """A request the acquirer refuses (HTTP status and a YooKassa-like error code)."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


@dataclass
class Card:
    number: str
    expiry: str  # MM/YY
    cvc: str
    holder: str


@dataclass
class Payment:
    id: str
    amount: str
    currency: str
    description: str
    order_id: str
    return_url: str
    confirmation_url: str
    status: str = "pending"  # pending -> succeeded | canceled; awaiting_3ds is pending with a card typed in
    awaiting_3ds: bool = False
    masked_card: str | None = None
    reason: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat().replace("+00:00", "Z"))
    refunds: list[Refund] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id, "status": self.status, "paid": self.status == "succeeded", "test": True,
            "amount": {"value": self.amount, "currency": self.currency}, "description": self.description,
            "metadata": {"order_id": self.order_id}, "created_at": self.created_at,
            "confirmation": {"type": "redirect", "return_url": self.return_url,
                             "confirmation_url": self.confirmation_url},
        }
        if self.masked_card:
            body["payment_method"] = {"type": "bank_card", "card": {"first6": self.masked_card[:6],
                                                                    "last4": self.masked_card[-4:]}}
        if self.refunds:
            body["refunded_amount"] = {"value": f"{refunded(self.refunds):.2f}", "currency": self.currency}
        if self.reason:
            body["cancellation_details"] = {"party": "issuer", "reason": self.reason}
        return body


def luhn_ok(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def card_problem(card: Card, today: date) -> str | None:
    """What is wrong with the typed card (a word for the page), or None."""
    if not luhn_ok(card.number):
        return "number"
    month, _, year = card.expiry.partition("/")
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12 and len(year) == 2):
        return "expiry"
    if (2000 + int(year), int(month)) < (today.year, today.month):
        return "expired"
    if not (card.cvc.isdigit() and len(card.cvc) in (3, 4)):
        return "cvc"
    if not card.holder.strip():
        return "holder"
    return None


@dataclass
class Webhooks:
    """Signed delivery to the shop, retried with exponential back-off until a 2xx (or `attempts` run out)."""

    url: str
    key: str
    base_delay: float = 0.5
    attempts: int = 8
    timeout: float = 10.0
    held: bool = False  # control API: while held, events wait (as if the shop were unreachable)
    log: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, event: dict[str, Any]) -> int:
        body = json.dumps(event).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={  # noqa: S310 - shop's URL
            "Content-Type": "application/json", SIGNATURE_HEADER: sign(self.key, body)})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        with self._lock:
            target = event["object"]
            self.log.append({"payment_id": target.get("payment_id", target["id"]), "event": event["event"],
                             "status": status, "at": datetime.now(UTC).isoformat()})
        return status

    def deliver(self, event: dict[str, Any]) -> None:
        def run() -> None:
            delay = self.base_delay
            for _ in range(self.attempts):
                while self.held:
                    time.sleep(0.2)
                if 200 <= self.post(event) < 300:
                    return
                time.sleep(delay)
                delay = min(delay * 2, 60.0)
        threading.Thread(target=run, daemon=True).start()


def remembered(keys: dict[str, tuple[str, str]], key: str, body: dict[str, Any]) -> tuple[str, str | None]:
    """The request's fingerprint and what this Idempotence-Key made before (None: nothing yet); the same key with
    another request, or no key, is refused."""
    if not key:
        raise PaymentError(400, "invalid_request", "Idempotence-Key header is required")
    fingerprint = json.dumps(body, sort_keys=True)
    known = keys.get(key)
    if known is not None and known[0] != fingerprint:
        raise PaymentError(400, "invalid_request", "Idempotence-Key reused with another request")
    return fingerprint, known[1] if known else None


class Acquirer:
    """Payments by id and by idempotence key; outcomes of the hosted page; webhooks to the shop."""

    def __init__(self, shop_id: str, secret_key: str, public_url: str, webhooks: Webhooks) -> None:
        self.shop_id, self.secret_key, self.public_url, self.webhooks = shop_id, secret_key, public_url, webhooks
        self.payments: dict[str, Payment] = {}
        self._by_key: dict[str, tuple[str, str]] = {}  # idempotence key -> (request fingerprint, payment id)
        self.refunds: dict[str, Refund] = {}
        self._refund_keys: dict[str, tuple[str, str]] = {}  # idempotence key -> (fingerprint, refund id)
        self._lock = threading.Lock()

    def create(self, key: str, body: dict[str, Any]) -> Payment:
        remembered(self._by_key, key, body)
        amount, confirmation = body.get("amount") or {}, body.get("confirmation") or {}
        value, currency = str(amount.get("value", "")), str(amount.get("currency", ""))
        return_url = str(confirmation.get("return_url", ""))
        if not value or len(currency) != 3 or not return_url.startswith(("http://", "https://")):
            raise PaymentError(400, "invalid_request", "amount.value, amount.currency and confirmation.return_url "
                                                       "are required")
        with self._lock:
            fingerprint, made = remembered(self._by_key, key, body)
            if made is not None:
                return self.payments[made]
            payment_id = str(uuid.uuid4())
            payment = Payment(payment_id, value, currency, str(body.get("description", ""))[:128],
                              str((body.get("metadata") or {}).get("order_id", "")), return_url,
                              f"{self.public_url}/pay/{payment_id}")
            self.payments[payment_id] = payment
            self._by_key[key] = (fingerprint, payment_id)
        return payment

    def get(self, payment_id: str) -> Payment:
        payment = self.payments.get(payment_id)
        if payment is None:
            raise PaymentError(404, "not_found", "No such payment")
        return payment

    def pay(self, payment_id: str, card: Card) -> str | None:
        """Apply the typed card: None when done or waiting for 3-D Secure, else what is wrong with the card."""
        payment = self.get(payment_id)
        if payment.status != "pending" or payment.awaiting_3ds:
            return None
        problem = card_problem(card, datetime.now(UTC).date())
        if problem:
            return problem
        payment.masked_card = mask_pan(card.number)
        outcome = TEST_CARDS.get(card.number, "card_declined")
        if outcome == "3ds":
            payment.awaiting_3ds = True
        elif outcome == "succeeded":
            self.finish(payment, "succeeded", None)
        else:
            self.finish(payment, "canceled", outcome)
        return None

    def confirm_3ds(self, payment_id: str, confirmed: bool) -> None:
        payment = self.get(payment_id)
        if payment.status == "pending" and payment.awaiting_3ds:
            payment.awaiting_3ds = False
            self.finish(payment, "succeeded" if confirmed else "canceled", None if confirmed else "3d_secure_failed")

    def finish(self, payment: Payment, status: str, reason: str | None) -> None:
        with self._lock:
            if payment.status != "pending":
                return
            payment.status, payment.reason = status, reason
        self.webhooks.deliver(self.event(payment))

    @staticmethod
    def event(payment: Payment) -> dict[str, Any]:
        return {"type": "notification", "event": f"payment.{payment.status}", "object": payment.view()}

    def refund(self, key: str, body: dict[str, Any]) -> Refund:
        """Refund (part of) a succeeded payment: the same key and body answer the same refund; more than the
        payment captured, less what is already refunded, is refused."""
        remembered(self._refund_keys, key, body)
        payment_id, currency, value = refund_value(body)
        with self._lock:
            fingerprint, made = remembered(self._refund_keys, key, body)
            if made is not None:
                return self.refunds[made]
            payment = self.get(payment_id)
            if payment.status != "succeeded" or currency != payment.currency:
                raise PaymentError(400, "invalid_request", "Only a succeeded payment is refunded, in its currency")
            if refunded(payment.refunds) + value > Decimal(payment.amount):
                raise PaymentError(400, "invalid_request", "The refund exceeds the payment's captured amount")
            refund = Refund(str(uuid.uuid4()), payment_id, f"{value:.2f}", currency,
                            str(body.get("description", ""))[:250])
            payment.refunds.append(refund)
            self.refunds[refund.id] = refund
            self._refund_keys[key] = (fingerprint, refund.id)
        self.webhooks.deliver({"type": "notification", "event": "refund.succeeded", "object": refund.view()})
        return refund

    def get_refund(self, refund_id: str) -> Refund:
        refund = self.refunds.get(refund_id)
        if refund is None:
            raise PaymentError(404, "not_found", "No such refund")
        return refund
