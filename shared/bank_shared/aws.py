"""Lazily created boto3 clients: created on first use so moto can intercept them in unit tests,
and reused across warm invocations."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bank_shared.errors import DependencyUnavailable
from bank_shared.observability import trace_library
from bank_shared.settings import get_settings
from bank_shared.snapstart import reset_on_restore
from bank_shared.transaction_guard import guard_boto_client, network_call


@lru_cache(maxsize=16)
def client(service_name: str) -> Any:
    trace_library("botocore", "httplib")
    import boto3  # deferred: boto3 costs ~0.1 s of cold start and not every path needs it

    settings = get_settings()
    return guard_boto_client(boto3.client(
        service_name,  # type: ignore[call-overload]  # boto3-stubs overloads need a literal name
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url or None,
    ))


SECRET_MAX_AGE_SECONDS = 300  # a rotated secret (a database password, a link key) is picked up within 5 minutes


@lru_cache(maxsize=1)
def _secrets() -> Any:
    """Powertools' Secrets Manager provider (its cache honours max_age) on the shared, guarded client."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=client("secretsmanager"))


def secret_json(secret_id: str) -> dict[str, Any]:
    """A JSON secret from Secrets Manager, cached for SECRET_MAX_AGE_SECONDS (Powertools Parameters).

    Read it before the use case's transaction opens and hand the value in: a read inside one is refused by
    the transaction guard even when the cache would answer (it may not, once max_age has passed)."""
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    network_call("aws:secretsmanager")
    try:
        value = _secrets().get(secret_id, max_age=SECRET_MAX_AGE_SECONDS, transform="json")
    except GetParameterError as error:  # Secrets Manager unreachable or refusing: a 503, never a 500
        raise DependencyUnavailable("A secret could not be read", dependency="secretsmanager") from error
    if not isinstance(value, dict):
        raise ValueError(f"secret {secret_id} is not a JSON object")
    return value


@reset_on_restore
def reset_clients() -> None:
    """Forget cached clients and secrets (tests, after a rotation, after a SnapStart restore)."""
    client.cache_clear()
    _secrets.cache_clear()
