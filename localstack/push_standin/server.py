"""A local stand-in for a Web Push service (what FCM, Mozilla's autopush or Apple's push service are to a
browser), the end of the web push path (docs/events.md "Web push").

The protocol (RFC 8030 §5, RFC 8291, RFC 8292), as an application server uses it:

* ``POST /push/<token>``: a push message for the subscription ``<token>`` (any string of letters, digits,
  ``-`` and ``_``; a test makes one up per subscription). Required: ``TTL``; ``Content-Encoding: aes128gcm``
  with a non-empty body (the RFC 8291 encrypted payload, stored as it came: the stand-in cannot read it, only
  the browser's private key can); ``Authorization: vapid t=<JWT>,k=<public key>`` (RFC 8292) whose ES256
  signature verifies against ``k``, whose ``aud`` is this service's origin, whose ``exp`` is in the future and
  at most 24 hours ahead, and whose ``sub`` is a ``mailto:`` or ``https:`` URI. Answers 201 with a
  ``Location`` (the message), 400 for a malformed request, 401 for a missing or failing VAPID, 413 above 4096
  bytes (RFC 8030 §7.2).
* ``POST /gone/<token>``: the same checks, then 410 Gone: a subscription that expired or was revoked (what the
  application server must answer by deleting it).

Outside the protocol:

* ``GET /health``: 200 ``{"status": "ok"}``.
* ``GET /__received?token=<token>``: what arrived for ``token`` (all when absent), oldest first: ``token``,
  ``path``, ``ttl``, ``urgency``, ``topic``, ``vapid_key`` (``k``), ``claims`` and ``body`` (base64url).
* ``GET /__stats``: counts of accepted, gone and refused requests.

Messages are kept in memory only (a restart forgets them; push services keep them for TTL at most).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MAX_BODY = 4096  # RFC 8030 §7.2: a push service must accept at least 4096 bytes; this one takes no more
MAX_EXP_AHEAD = 24 * 3600  # RFC 8292 §2: exp no more than 24 hours from the request
TOKEN = re.compile(r"^/(push|gone)/([A-Za-z0-9_-]{1,200})$")
SUB = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://\S+)$")


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify_vapid(header: str, origin: str, now: float) -> tuple[str, dict[str, Any]]:
    """The VAPID ``Authorization`` header checked (RFC 8292): (k, claims); Refused(401) when it fails."""
    scheme, _, params = header.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise Refused(401, "Authorization must be `vapid t=…,k=…`")
    parts = dict(item.strip().split("=", 1) for item in params.split(",") if "=" in item)
    token, key = parts.get("t", ""), parts.get("k", "")
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        encoded_header, encoded_claims, encoded_signature = token.split(".")
        jwt_header = json.loads(unb64url(encoded_header))
        claims = json.loads(unb64url(encoded_claims))
        signature = unb64url(encoded_signature)
    except (ValueError, binascii.Error):
        raise Refused(401, "t must be a JWT and k a P-256 public key (base64url)") from None
    if jwt_header.get("alg") != "ES256" or len(signature) != 64 or not isinstance(claims, dict):
        raise Refused(401, "the JWT must be ES256 (a 64-byte r||s signature) over a claims object")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{encoded_header}.{encoded_claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Refused(401, "the JWT signature does not verify against k") from None
    if claims.get("aud") != origin:
        raise Refused(401, f"aud must be this push service's origin {origin}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not now < exp <= now + MAX_EXP_AHEAD:
        raise Refused(401, "exp must be in the future and at most 24 hours ahead")
    if not isinstance(claims.get("sub"), str) or not SUB.match(claims["sub"]):
        raise Refused(401, "sub must be a mailto: or https: URI")
    return key, claims


class Store:
    """Received messages (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.counts = {"accepted": 0, "gone": 0, "refused": 0}

    def add(self, message: dict[str, Any]) -> None:
        with self._lock:
            self.messages.append(message)
            self.counts["accepted"] += 1

    def count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def received(self, token: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.messages if token is None or m["token"] == token]


class PushServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Store) -> None:
        super().__init__(address, PushHandler)
        self.store = store


class PushHandler(BaseHTTPRequestHandler):
    server: PushServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _origin(self) -> str:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return f"http://{host}"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        if url.path == "/health":
            self._send(200, {"status": "ok"})
        elif url.path == "/__received":
            messages = self.server.store.received(query.get("token"))
            self._send(200, {"count": len(messages), "messages": messages})
        elif url.path == "/__stats":
            self._send(200, dict(self.server.store.counts))
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        store = self.server.store
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                raise Refused(413, f"the body is limited to {MAX_BODY} bytes")
            body = self.rfile.read(length) if length else b""
            match = TOKEN.match(urlsplit(self.path).path)
            if match is None:
                raise Refused(404, "no such subscription")
            message = self._check(match.group(2), body)
        except Refused as refused:
            store.count("refused")
            self._send(refused.status, {"error": refused.reason})
            return
        if match.group(1) == "gone":
            store.count("gone")
            self._send(410, {"error": "the subscription is gone"})
            return
        store.add(message)
        self._send(201, {"id": message["id"]}, {"Location": f"/message/{message['id']}"})

    def _check(self, token: str, body: bytes) -> dict[str, Any]:
        ttl = self.headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            raise Refused(400, "TTL (seconds) is required")
        if (self.headers.get("Content-Encoding") or "").lower() != "aes128gcm":
            raise Refused(400, "Content-Encoding must be aes128gcm (RFC 8291)")
        if not body:
            raise Refused(400, "an aes128gcm push needs a body")
        key, claims = verify_vapid(self.headers.get("Authorization") or "", self._origin(), time.time())
        return {"id": str(uuid.uuid4()), "token": token, "path": self.path, "ttl": int(ttl),
                "urgency": self.headers.get("Urgency"), "topic": self.headers.get("Topic"),
                "vapid_key": key, "claims": claims, "body": b64url(body), "received_at": time.time()}
