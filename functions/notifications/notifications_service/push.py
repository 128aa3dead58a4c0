"""Web push: the VAPID key pair, the users' browser subscriptions, and delivery of a notice to each of them.

* **VAPID (RFC 8292)**: the P-256 key pair is derived (HKDF-SHA256) from the random `key` of the secret
  `vapid_key_secret_id`, which nobody writes by hand: the launcher generates it into LocalStack's Secrets
  Manager, CloudFormation generates it in AWS. The public key is what a browser subscribes with
  (`GET /api/notifications/push/vapid-public-key`).
* **Subscriptions**: a browser's `PushSubscription` (endpoint, keys.p256dh, keys.auth), owned by the signed-in
  user; the endpoint must be on one of `push_endpoint_origins` (no push is ever sent to an arbitrary URL).
* **Delivery**: `push_notice` runs inside the consumer that files the inbox entry: the same title and body, in
  the user's language, queued for every subscription of the user, when the kind's `push` channel is on, and
  pushed after the commit (`deliver_push`: claim, send, mark; the schedule's sweep takes what was left, as for
  mails in deliveries.py). The payload
  is encrypted here per RFC 8291 (aes128gcm, RFC 8188, with the layer's `cryptography`), the request carries a
  VAPID JWT (ES256, the layer's PyJWT) and goes out with the layer's httpx (RFC 8030). `pywebpush` is not used:
  its `http-ece` dependency is published as an sdist only, which the hash-checked, wheel-only Lambda build
  cannot package (docs/events.md). The push service's 404/410 removes the subscription. One `push_deliveries`
  row per (event, subscription, kind) makes a redelivered event queue once; that row is the push's idempotency
  key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
import uuid
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

from bank_shared.aws import secret_json
from bank_shared.db import UnitOfWork
from bank_shared.errors import NotFound, Unprocessable
from bank_shared.events.envelope import CloudEvent
from bank_shared.observability import logger
from bank_shared.transaction_guard import network_call
from notifications_service import templates
from notifications_service.repository import ClaimedPush, PushRepository, PushSubscription
from notifications_service.settings import get_notifications_settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
GONE = (404, 410)  # RFC 8030 §7.3: the subscription expired or was revoked


class PushSubscriptionNotFound(NotFound):
    code, title = "push_subscription_not_found", "Push subscription not found"


class PushEndpointNotAllowed(Unprocessable):
    code, title = "push_endpoint_not_allowed", "The endpoint is not on a known push service"


class InvalidPushKeys(Unprocessable):
    code, title = "invalid_push_keys", "The subscription's keys are not a P-256 public key and a 16-byte secret"


class TooManyPushSubscriptions(Unprocessable):
    code, title = "too_many_push_subscriptions", "Too many push subscriptions"


# --- VAPID ----------------------------------------------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def derive_vapid_key(seed: str) -> EllipticCurvePrivateKey:
    """The P-256 private key of a secret's random seed (the same seed, the same key, in every instance)."""
    from cryptography.hazmat.primitives import hashes  # deferred: cryptography is not on the cold path
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    material = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=b"bank web push VAPID P-256").derive(
        seed.encode())
    scalar = int.from_bytes(material, "big") % (P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


@lru_cache(maxsize=1)
def vapid_private_key() -> EllipticCurvePrivateKey:
    return derive_vapid_key(str(secret_json(get_notifications_settings().vapid_key_secret_id)["key"]))


def public_key_of(key: EllipticCurvePrivateKey) -> str:
    """The uncompressed point, base64url: `applicationServerKey` of `PushManager.subscribe`."""
    from cryptography.hazmat.primitives import serialization

    return b64url(key.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint))


def vapid_public_key() -> str:
    return public_key_of(vapid_private_key())


# --- subscriptions --------------------------------------------------------------------------------------------

def endpoint_allowed(endpoint: str, origins: str) -> bool:
    """`endpoint`'s origin (scheme://host[:port]) matches one of the comma-separated `origins` (`*.` for any
    subdomain), and it carries no credentials."""
    parts = urlsplit(endpoint)
    try:
        port = parts.port
    except ValueError:
        return False
    if parts.username or parts.password or not parts.hostname or parts.scheme not in ("https", "http"):
        return False
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")
    return any(fnmatchcase(origin, pattern.strip().lower()) for pattern in origins.split(",") if pattern.strip())


def check_keys(p256dh: str, auth: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        point, secret = unb64url(p256dh), unb64url(auth)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, binascii.Error):
        raise InvalidPushKeys("keys.p256dh must be an uncompressed P-256 point, base64url") from None
    if len(point) != 65 or len(secret) != 16:
        raise InvalidPushKeys("keys.p256dh must be 65 bytes and keys.auth 16 bytes (base64url)")


def subscription_view(row: PushSubscription) -> dict[str, Any]:
    return {"id": row.id, "endpoint": row.endpoint, "created_at": row.created_at}


def subscribe(uow: UnitOfWork, user_id: UUID, endpoint: str, p256dh: str, auth: str) -> dict[str, Any]:
    settings = get_notifications_settings()
    if not endpoint_allowed(endpoint, ",".join((settings.push_endpoint_origins, settings.push_standin_origin))):
        raise PushEndpointNotAllowed("The endpoint must be on a known push service")
    check_keys(p256dh, auth)
    repository = PushRepository(uow.connection)
    if repository.count_other(user_id, endpoint) >= settings.max_push_subscriptions_per_user:
        raise TooManyPushSubscriptions(
            f"At most {settings.max_push_subscriptions_per_user} subscriptions; delete one first")
    return subscription_view(repository.save(uuid.uuid4(), user_id, endpoint, p256dh, auth))


def list_subscriptions(uow: UnitOfWork, user_id: UUID) -> list[dict[str, Any]]:
    return [subscription_view(row) for row in PushRepository(uow.connection).of_user(user_id)]


def unsubscribe(uow: UnitOfWork, user_id: UUID, subscription_id: UUID) -> None:
    if not PushRepository(uow.connection).delete(user_id, subscription_id):
        raise PushSubscriptionNotFound(f"No push subscription {subscription_id}")


# --- delivery -------------------------------------------------------------------------------------------------

def payload(kind: str, text: templates.InboxText, event: CloudEvent) -> str:
    """What the service worker shows: the inbox entry's title and body (no account data beyond them)."""
    return json.dumps({"title": text.title, "body": text.body, "kind": kind, "event_id": event.id},
                      ensure_ascii=False, separators=(",", ":"))


RECORD_SIZE = 4096


def encrypt(plaintext: bytes, p256dh: str, auth: str) -> bytes:
    """RFC 8291 message encryption: one aes128gcm record (RFC 8188) under a key agreed (ECDH) between a fresh
    application-server key pair and the browser's key, mixed with the browser's auth secret."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    ua_public = unb64url(p256dh)
    server_key = ec.generate_private_key(ec.SECP256R1())
    as_public = server_key.public_key().public_bytes(serialization.Encoding.X962,
                                                     serialization.PublicFormat.UncompressedPoint)
    shared = server_key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public))
    ikm = HKDF(algorithm=hashes.SHA256(), length=32, salt=unb64url(auth),
               info=b"WebPush: info\x00" + ua_public + as_public).derive(shared)
    salt = os.urandom(16)
    cek = HKDF(algorithm=hashes.SHA256(), length=16, salt=salt, info=b"Content-Encoding: aes128gcm\x00").derive(ikm)
    nonce = HKDF(algorithm=hashes.SHA256(), length=12, salt=salt, info=b"Content-Encoding: nonce\x00").derive(ikm)
    record = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)  # 0x02: the last (only) record's delimiter
    if len(record) + 86 > RECORD_SIZE:
        raise ValueError("a push payload must fit one 4096-byte record")
    return salt + RECORD_SIZE.to_bytes(4, "big") + bytes([len(as_public)]) + as_public + record


def vapid_authorization(endpoint: str, key: EllipticCurvePrivateKey, subject: str, now: float) -> str:
    """RFC 8292: `vapid t=<ES256 JWT for the push service's origin, valid 12 hours>,k=<public key>`."""
    import jwt  # deferred: PyJWT's crypto backend is not on the cold path

    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(now) + 12 * 3600, "sub": subject}
    return f"vapid t={jwt.encode(claims, key, algorithm='ES256')},k={public_key_of(key)}"


def send(subscription: ClaimedPush, data: str) -> int | None:
    """One encrypted push (RFC 8030/8291/8292); the push service's status, None when it could not be reached."""
    import httpx

    settings = get_notifications_settings()
    endpoint = subscription.endpoint
    body = encrypt(data.encode(), subscription.p256dh, subscription.auth)
    headers = {"TTL": str(settings.push_ttl_seconds), "Content-Encoding": "aes128gcm",
               "Content-Type": "application/octet-stream", "Urgency": "normal",
               "Authorization": vapid_authorization(endpoint, vapid_private_key(),
                                                    f"mailto:{settings.sender_address}", time.time())}
    try:
        network_call("push service")
        response = httpx.post(endpoint, content=body, headers=headers, timeout=settings.push_timeout_seconds)
    except httpx.HTTPError:
        return None
    return response.status_code


def push_notice(uow: UnitOfWork, event: CloudEvent, user_id: UUID, kind: str, text: templates.InboxText) -> int:
    """Queue `text` for each of the user's subscriptions once per event (in the caller's transaction); they are
    pushed after the commit. Returns the pushes queued."""
    repository = PushRepository(uow.connection)
    data = payload(kind, text, event)
    queued = [subscription.id for subscription in repository.of_user(user_id)
              if repository.queue(event.id, subscription.id, kind, data)]
    if queued:
        uow.after_commit(lambda: _after_commit(event.id, queued, kind))
    return len(queued)


def _after_commit(source_event_id: str, subscription_ids: list[UUID], kind: str) -> None:
    for subscription_id in subscription_ids:
        deliver_push(source_event_id, subscription_id, kind)


def deliver_push(source_event_id: str, subscription_id: UUID, kind: str) -> str:
    """Claim, push and mark one queued push: a gone subscription is removed, another failure is logged and kept
    as `failed` (the mail and the inbox entry stand). The outcome: sent, failed, gone or skipped."""
    with UnitOfWork() as uow:
        claimed = PushRepository(uow.connection).claim(source_event_id, subscription_id, kind,
                                                       get_notifications_settings().delivery_retry_after_seconds)
    if claimed is None:
        return "skipped"
    status = send(claimed, str(claimed.payload))
    with UnitOfWork() as uow:
        repository = PushRepository(uow.connection)
        if status is not None and status < 300:
            repository.mark(source_event_id, subscription_id, kind, "sent")
            return "sent"
        if status in GONE:
            logger.info("push subscription gone: removed", extra={"event_id": source_event_id, "status": status})
            repository.remove_gone(subscription_id)
            return "gone"
        logger.warning("push not delivered", extra={"event_id": source_event_id, "kind": kind, "status": status})
        repository.mark(source_event_id, subscription_id, kind, "failed")
        return "failed"


def sweep_pushes() -> int:
    """Pushes left queued or lost between claim and mark, pushed now; the number accepted."""
    settings = get_notifications_settings()
    with UnitOfWork() as uow:
        left = PushRepository(uow.connection).unsent(settings.delivery_retry_after_seconds,
                                                     settings.delivery_sweep_limit)
    return [deliver_push(*key) for key in left].count("sent")
