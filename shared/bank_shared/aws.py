"""Lazily created boto3 clients: created on first use so moto can intercept them in unit tests,
and reused across warm invocations."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from bank_shared.observability import trace_library
from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore


@lru_cache(maxsize=16)
def client(service_name: str) -> Any:
    trace_library("botocore", "httplib")
    import boto3  # deferred: boto3 costs ~0.1 s of cold start and not every path needs it

    settings = get_settings()
    return boto3.client(
        service_name,  # type: ignore[call-overload]  # boto3-stubs overloads need a literal name
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url or None,
    )


@lru_cache(maxsize=32)
def secret_json(secret_id: str) -> dict[str, Any]:
    """A JSON secret from Secrets Manager, cached for the life of the execution environment."""
    response = client("secretsmanager").get_secret_value(SecretId=secret_id)
    value: dict[str, Any] = json.loads(response["SecretString"])
    return value


@reset_on_restore
def reset_clients() -> None:
    """Forget cached clients and secrets (tests, after a rotation, after a SnapStart restore)."""
    client.cache_clear()
    secret_json.cache_clear()
