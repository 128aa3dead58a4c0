"""AWS KMS calls with one error mapping: a key service that is slow, throttled or unreachable is a 503
(`key_service_unavailable`, retryable); anything else (access denied, a missing key) is a configuration
error and stays an unexpected 500, logged where it happened.

The same code runs against KMS in AWS, LocalStack KMS locally and moto in unit tests (see docs/keys.md).
"""

from __future__ import annotations

import base64
from typing import Any

from bank_shared.aws import client
from bank_shared.errors import DependencyUnavailable
from bank_shared.settings import LOCAL_ENVIRONMENTS

# Error codes KMS answers when the call may succeed if repeated later.
TRANSIENT_ERRORS = frozenset({
    "ThrottlingException", "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException",
    "ServiceUnavailableException", "RequestTimeout", "InternalFailure",
})
LOCAL_KEY_MARKER = "bank-local-"  # the aliases the local stack creates (alias/bank-local-…)


class KeyServiceUnavailable(DependencyUnavailable):
    code, title = "key_service_unavailable", "The key service is unavailable"


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def call(operation: str, **params: Any) -> dict[str, Any]:
    """`kms.<operation>(**params)`, with transient failures raised as KeyServiceUnavailable."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response: dict[str, Any] = getattr(client("kms"), operation)(**params)
    except ClientError as error:
        if error_code(error) in TRANSIENT_ERRORS:
            raise KeyServiceUnavailable("Try again in a moment", headers={"Retry-After": "1"}) from error
        raise
    except BotoCoreError as error:  # connection refused, timeouts
        raise KeyServiceUnavailable("Try again in a moment", headers={"Retry-After": "1"}) from error
    return response


def b64url(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2), as JOSE and JWKS use it."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def key_id_problems(app_env: str, key_ids: dict[str, str | None]) -> list[str]:
    """What is wrong with the KMS key ids a service is configured with (`ENV_NAME → value`): outside
    local/test each must be set and must not name a key of the local stack."""
    if app_env in LOCAL_ENVIRONMENTS:
        return []
    problems = []
    for env_name, value in key_ids.items():
        if not value:
            problems.append(f"{env_name} is required")
        elif LOCAL_KEY_MARKER in value:
            problems.append(f"{env_name} names a local-stack key ({value})")
    return problems
