"""One Kafka producer per execution environment: MSK IAM (OAUTHBEARER) in AWS, plaintext locally."""

from __future__ import annotations

import threading
from typing import Any

from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore

_producer: Any = None
_lock = threading.Lock()


def msk_iam_token(region: str) -> tuple[str, float]:
    """An MSK IAM auth token (OAUTHBEARER) signed with the function's role, and its expiry in seconds."""
    from aws_msk_iam_sasl_signer import MSKAuthTokenProvider

    token, expiry_ms = MSKAuthTokenProvider.generate_auth_token(region)
    return token, expiry_ms / 1000


def client_config(bootstrap_servers: str, security: str, region: str) -> dict[str, Any]:
    """Connection settings every Kafka client here shares (producer, admin): the brokers, and in AWS
    SASL_SSL with an MSK IAM token signed for `region`."""
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap_servers,
        "socket.connection.setup.timeout.ms": 3_000,
        "reconnect.backoff.max.ms": 2_000,
    }
    if security == "msk_iam":
        config |= {"security.protocol": "SASL_SSL", "sasl.mechanisms": "OAUTHBEARER",
                   "oauth_cb": lambda _config: msk_iam_token(region)}
    return config


def producer_config() -> dict[str, Any]:
    settings = get_settings()
    config = client_config(settings.kafka_bootstrap_servers, settings.kafka_security, settings.aws_region)
    config |= {
        "enable.idempotence": True,  # keeps per-key order across retries
        "acks": "all",
        "linger.ms": 5,
        # Undelivered messages fail fast; the outbox keeps them and the sweeper retries.
        "message.timeout.ms": 10_000,
    }
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
