"""Web push end to end through the local API gateway, Kafka and the push-service stand-in
(localstack/push_standin): a customer's browser — here the test, with its own P-256 key pair and auth secret —
subscribes with the VAPID public key; cash paid in at the desk (payment.executed) reaches the notifications
consumer, which pushes the inbox text to the stand-in; the test fetches the body the stand-in received and
decrypts it (RFC 8291) to the Russian "Поступление". A subscription whose push service answers 410 is removed,
a customer sees and deletes only their own subscriptions, and the push switch of a kind stops its pushes."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import http_ece
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from notifications_service.push import b64url, unb64url
from tests.e2e.test_notifications_inbox import eventually, new_customer
from tests.support.stack import cash_topup, stack


class Browser:
    """What a browser's PushManager holds for one subscription: the key pair and the auth secret."""

    def __init__(self, path: str = "push") -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.token = f"e2e-{uuid.uuid4().hex}"
        self.endpoint = f"{stack()['push_url']}/{path}/{self.token}"

    def subscription(self) -> dict[str, Any]:
        point = self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}}

    def received(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{stack()['push_url']}/__received", params={"token": self.token}, timeout=10)
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages

    def decrypt(self, message: dict[str, Any]) -> dict[str, Any]:
        plain = http_ece.decrypt(unb64url(message["body"]), private_key=self.private, auth_secret=self.auth,
                                 version="aes128gcm")
        value: dict[str, Any] = json.loads(plain)
        return value


def subscribe(http: httpx.Client, headers: dict[str, str], browser: Browser) -> dict[str, Any]:
    response = http.post("/api/notifications/push/subscriptions", headers=headers, json=browser.subscription())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def subscriptions(http: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = http.get("/api/notifications/push/subscriptions", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def topped_up(http: httpx.Client, account: dict[str, Any], amount: str) -> None:
    response = cash_topup(http, account["id"], amount, "RUB")
    assert response.status_code in (200, 201), response.text


def received_entries(http: httpx.Client, headers: dict[str, str]) -> int:
    response = http.get("/api/notifications/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return len([i for i in response.json()["items"] if i["kind"] == "payment_received"])


def test_a_payment_is_pushed_encrypted_and_decrypts_to_the_customers_notice(http: httpx.Client) -> None:
    headers, account = new_customer(http, "push")
    key = http.get("/api/notifications/push/vapid-public-key", headers=headers)
    assert key.status_code == 200, key.text
    vapid_key = key.json()["public_key"]
    assert len(unb64url(vapid_key)) == 65

    browser = Browser()
    created = subscribe(http, headers, browser)
    assert [s["id"] for s in subscriptions(http, headers)] == [created["id"]]

    topped_up(http, account, "1500.50")
    [message] = eventually(lambda: [m for m in browser.received() if browser.decrypt(m)["kind"] == "payment_received"],
                           "the push at the push service")
    assert message["vapid_key"] == vapid_key  # signed with the key the browser subscribed with
    assert b"1500" not in unb64url(message["body"])  # the push service sees ciphertext only
    notice = browser.decrypt(message)
    assert notice["kind"] == "payment_received" and notice["title"] == "Поступление"
    assert "1\u00a0500,50\u00a0RUB" in notice["body"] and f"••{account['number'][-4:]}" in notice["body"]


def test_a_gone_subscription_is_removed_and_others_are_not_reachable(http: httpx.Client) -> None:
    headers, account = new_customer(http, "push-gone")
    other, _ = new_customer(http, "push-other")
    live, gone = Browser(), Browser("gone")
    kept, removed = subscribe(http, headers, live), subscribe(http, headers, gone)

    # nobody lists or deletes another's subscription
    assert subscriptions(http, other) == []
    assert http.delete(f"/api/notifications/push/subscriptions/{kept['id']}", headers=other).status_code == 404

    topped_up(http, account, "10")
    eventually(live.received, "the push to the live subscription")
    eventually(lambda: [s for s in subscriptions(http, headers) if s["id"] == removed["id"]] == [],
               "the gone subscription removed")
    assert [s["id"] for s in subscriptions(http, headers)] == [kept["id"]]

    # the push switch of the kind: no more pushes of it (the inbox entry still comes)
    response = http.put("/api/notifications/preferences", headers=headers,
                        json={"channels": {"payment_received": {"push": False}}})
    assert response.status_code == 200, response.text
    channels = response.json()["channels"]["payment_received"]
    assert channels == {"email": True, "inbox": True, "push": False}
    before, entries = len(live.received()), received_entries(http, headers)
    topped_up(http, account, "20")
    eventually(lambda: received_entries(http, headers) > entries, "the inbox entry of the second top-up")
    assert len(live.received()) == before

    assert http.delete(f"/api/notifications/push/subscriptions/{kept['id']}", headers=headers).status_code == 204
    assert subscriptions(http, headers) == []


@pytest.mark.parametrize(("endpoint", "code"), [
    ("https://attacker.example/push/x", "push_endpoint_not_allowed"),
    ("http://169.254.169.254/latest/meta-data/x", "push_endpoint_not_allowed"),
])
def test_a_subscription_to_an_unknown_service_is_refused(http: httpx.Client, endpoint: str, code: str) -> None:
    headers, _ = new_customer(http, "push-bad")
    subscription = {**Browser().subscription(), "endpoint": endpoint}
    response = http.post("/api/notifications/push/subscriptions", headers=headers, json=subscription)
    assert response.status_code == 422 and response.json()["code"] == code, response.text
    bad_keys = {**Browser().subscription()}
    bad_keys["keys"] = {**bad_keys["keys"], "auth": b64url(b"short")}
    response = http.post("/api/notifications/push/subscriptions", headers=headers, json=bad_keys)
    assert response.status_code == 422, response.text
