"""The web push stand-in accepts what an application server sends per RFC 8030/8291/8292 and refuses the rest,
and notifications' push delivery is such an application server: its pushes to the stand-in are accepted, and
the stored body decrypts (RFC 8291, with the subscriber's private key and auth secret) to the notice."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

LOCALSTACK_DIR = Path(__file__).resolve().parents[3] / "localstack"
if str(LOCALSTACK_DIR) not in sys.path:
    sys.path.insert(0, str(LOCALSTACK_DIR))

from push_standin.server import PushServer, Store  # noqa: E402

from notifications_service import push, templates  # noqa: E402
from notifications_service.repository import ClaimedPush  # noqa: E402
from notifications_service.settings import get_notifications_settings  # noqa: E402


@pytest.fixture
def standin() -> Iterator[str]:
    server = PushServer(("127.0.0.1", 0), Store())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid(monkeypatch: pytest.MonkeyPatch) -> Iterator[ec.EllipticCurvePrivateKey]:
    key = push.derive_vapid_key("a seed for the unit tests, never a real one")
    monkeypatch.setattr(push, "vapid_private_key", lambda: key)
    yield key


def received(base: str, token: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{base}/__received?token={token}", timeout=5) as response:  # noqa: S310
        messages: list[dict[str, Any]] = json.loads(response.read())["messages"]
    return messages


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def subscriber() -> tuple[ec.EllipticCurvePrivateKey, bytes, dict[str, Any]]:
    private = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    point = private.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
    return private, auth, {"p256dh": push.b64url(point), "auth": push.b64url(auth)}


def claimed(endpoint: str, keys: dict[str, Any]) -> ClaimedPush:
    """A queued push to `endpoint` claimed for sending (what PushRepository.claim returns)."""
    return ClaimedPush(uuid.uuid4(), endpoint, keys["p256dh"], keys["auth"], None)


def test_the_payload_is_encrypted_per_rfc_8291_as_the_reference_implementation_reads_it() -> None:
    private, auth, keys = subscriber()
    body = push.encrypt("Счёт открыт".encode(), keys["p256dh"], keys["auth"])
    assert body != push.encrypt("Счёт открыт".encode(), keys["p256dh"], keys["auth"])  # a fresh key and salt
    assert int.from_bytes(body[16:20], "big") == 4096 and body[20] == 65  # rs, idlen: the server's key
    assert http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm").decode() == "Счёт открыт"
    _other, other_auth, _keys = subscriber()
    with pytest.raises(http_ece.ECEException):  # the wrong auth secret cannot decrypt
        http_ece.decrypt(body, private_key=private, auth_secret=other_auth, version="aes128gcm")
    with pytest.raises(ValueError):
        push.encrypt(b"x" * 4096, keys["p256dh"], keys["auth"])


def test_the_vapid_key_is_derived_from_the_seed() -> None:
    one, again, other = (push.derive_vapid_key(s) for s in ("seed-1", "seed-1", "seed-2"))
    assert push.public_key_of(one) == push.public_key_of(again) != push.public_key_of(other)
    assert len(push.unb64url(push.public_key_of(one))) == 65


def test_a_notice_pushed_by_notifications_reaches_the_standin_and_decrypts(standin: str,
                                                                           vapid: ec.EllipticCurvePrivateKey) -> None:
    private, auth, keys = subscriber()
    text = templates.InboxText("Поступление", "Счёт ••0011 пополнен на 1 500,50 RUB")
    data = json.dumps({"title": text.title, "body": text.body}, ensure_ascii=False)
    status = push.send(claimed(f"{standin}/push/sub-1", keys), data)
    assert status == 201
    (message,) = received(standin, "sub-1")
    assert message["vapid_key"] == push.public_key_of(vapid)
    assert message["claims"]["aud"] == standin
    assert message["claims"]["sub"] == f"mailto:{get_notifications_settings().sender_address}"
    body = push.unb64url(message["body"])
    assert text.title.encode() not in body  # encrypted on the wire
    plain = http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
    assert json.loads(plain) == {"title": "Поступление", "body": "Счёт ••0011 пополнен на 1 500,50 RUB"}


def test_a_gone_endpoint_answers_410(standin: str, vapid: ec.EllipticCurvePrivateKey) -> None:
    _private, _auth, keys = subscriber()
    assert push.send(claimed(f"{standin}/gone/sub-2", keys), "{}") == 410
    assert received(standin, "sub-2") == []


def test_an_unreachable_push_service_is_no_status(vapid: ec.EllipticCurvePrivateKey) -> None:
    _private, _auth, keys = subscriber()
    assert push.send(claimed("http://127.0.0.1:9/push/x", keys), "{}") is None


def vapid_header(key: ec.EllipticCurvePrivateKey, aud: str, exp: int | None = None) -> str:
    """A VAPID header for `aud` (push.vapid_authorization's, or one with another expiry signed the same way)."""
    if exp is None:
        return push.vapid_authorization(f"{aud}/push/x", key, "mailto:ops@bank.example", time.time())
    import jwt

    token = jwt.encode({"aud": aud, "exp": exp, "sub": "mailto:ops@bank.example"}, key, algorithm="ES256")
    return f"vapid t={token},k={push.public_key_of(key)}"


def test_the_standin_refuses_what_rfc_8030_and_8292_refuse(standin: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    good = {"TTL": "60", "Content-Encoding": "aes128gcm", "Authorization": vapid_header(key, standin)}
    url = f"{standin}/push/sub-3"
    assert post(url, b"ciphertext", good) == 201
    assert post(url, b"ciphertext", {**good, "Authorization": ""}) == 401
    assert post(url, b"ciphertext", {**good, "Authorization": vapid_header(key, "http://elsewhere:1")}) == 401
    assert post(url, b"ciphertext", {**good, "Authorization": vapid_header(key, standin, int(time.time()) - 5)}) == 401
    assert post(url, b"ciphertext", {**good, "Authorization": vapid_header(key, standin,
                                                                            int(time.time()) + 2 * 86400)}) == 401
    other = push.public_key_of(ec.generate_private_key(ec.SECP256R1()))
    forged = good["Authorization"].rsplit("k=", 1)[0] + f"k={other}"  # signed by one key, claiming another
    assert post(url, b"ciphertext", {**good, "Authorization": forged}) == 401
    assert post(url, b"ciphertext", {**good, "Content-Encoding": "aesgcm"}) == 400
    assert post(url, b"ciphertext", {k: v for k, v in good.items() if k != "TTL"}) == 400
    assert post(url, b"", good) == 400
    assert post(url, b"x" * 5000, good) == 413
    assert len(received(standin, "sub-3")) == 1


@pytest.mark.parametrize(("endpoint", "allowed"), [
    ("https://fcm.googleapis.com/fcm/send/abc", True),
    ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
    ("https://db5p.notify.windows.com/w/?token=abc", True),
    ("http://127.0.0.1:8094/push/abc", True),  # the stand-in's origin, named below
    ("http://fcm.googleapis.com/fcm/send/abc", False),  # not https
    ("https://evil.example/fcm.googleapis.com", False),
    ("https://user:pw@fcm.googleapis.com/x", False),
    ("https://fcm.googleapis.com.evil.example/x", False),
    ("http://127.0.0.1:8095/push/abc", False),
    ("http://169.254.169.254/latest/meta-data", False),
])
def test_only_known_push_services_are_subscription_endpoints(endpoint: str, allowed: bool) -> None:
    origins = get_notifications_settings().push_endpoint_origins + ",http://127.0.0.1:8094"
    assert push.endpoint_allowed(endpoint, origins) is allowed


def test_subscription_keys_are_checked() -> None:
    _private, _auth, keys = subscriber()
    push.check_keys(keys["p256dh"], keys["auth"])
    with pytest.raises(push.InvalidPushKeys):
        push.check_keys(keys["p256dh"][:-4], keys["auth"])
    with pytest.raises(push.InvalidPushKeys):
        push.check_keys(keys["p256dh"], push.b64url(os.urandom(8)))
    with pytest.raises(push.InvalidPushKeys):
        push.check_keys(push.b64url(b"\x04" + b"\x01" * 64), keys["auth"])  # not a point on the curve
