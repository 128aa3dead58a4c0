"""One Kafka producer per execution environment: MSK IAM (OAUTHBEARER) in AWS, plaintext locally."""

from __future__ import annotations

import threading
from typing import Any

from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore

_producer: Any = None
_lock = threading.Lock()


def _msk_iam_token(_config: str) -> tuple[str, float]:
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

    token, expiry_ms = MSKAuthTokenProvider.generate_auth_token(get_settings().aws_region)
    return token, expiry_ms / 1000


def producer_config() -> dict[str, Any]:
    settings = get_settings()
    config: dict[str, Any] = {
        "bootstrap.servers": settings.kafka_bootstrap_servers,
        "enable.idempotence": True,  # keeps per-key order across retries
        "acks": "all",
        "linger.ms": 5,
        # Undelivered messages fail fast; the outbox keeps them and the sweeper retries.
        "message.timeout.ms": 10_000,
        "socket.connection.setup.timeout.ms": 3_000,
        "reconnect.backoff.max.ms": 2_000,
    }
    if settings.kafka_security == "msk_iam":
        config |= {"security.protocol": "SASL_SSL", "sasl.mechanisms": "OAUTHBEARER", "oauth_cb": _msk_iam_token}
    return config


def get_producer() -> Any:
    """The environment's producer, created on first use (librdkafka import stays off the cold path)."""
    global _producer
    if _producer is None:
        with _lock:
            if _producer is None:
                from confluent_kafka import Producer

                _producer = Producer(producer_config())
    return _producer


def reset_producer() -> None:
    global _producer
    if _producer is not None:
        _producer.flush(1)
    _producer = None


@reset_on_restore
def discard_producer() -> None:
    """Drop the producer without delivering its queue: a producer in a SnapStart snapshot would deliver the
    same queued messages from every restored environment. Nothing is lost: undelivered events are still
    unpublished rows in the outbox, which the sweeper relays."""
    global _producer
    with _lock:
        if _producer is not None:
            _producer.purge()
        _producer = None


def check_kafka(timeout: float = 2.0) -> dict[str, Any]:
    """Metadata round trip through the same producer the service publishes with."""
    metadata = get_producer().list_topics(timeout=timeout)
    return {"brokers": len(metadata.brokers), "topics": len(metadata.topics)}
