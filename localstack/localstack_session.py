"""The one way local tooling and the integration tests reach LocalStack: localstack-client's `Session` (boto3
clients with LocalStack's endpoint and its test credentials, the design card's `localstack-client`). The bank's
services never use it: they keep plain boto3, pointed at LocalStack locally by `AWS_ENDPOINT_URL`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from localstack_client.session import Session

TEST_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}  # LocalStack's fixed ones


def localstack_session(endpoint_url: str, region: str) -> Session:
    """A session whose clients all talk to the LocalStack at `endpoint_url` (e.g. http://127.0.0.1:4566)."""
    host = urlsplit(endpoint_url).netloc
    if not host:
        raise ValueError(f"not a LocalStack endpoint URL: {endpoint_url!r}")
    return Session(**TEST_CREDENTIALS, region_name=region, localstack_host=host)


def localstack_client(service: str, endpoint_url: str, region: str, **options: Any) -> Any:
    """One boto3 client of `service` on that LocalStack (`options` such as `config=` pass through)."""
    return localstack_session(endpoint_url, region).client(service, **options)
