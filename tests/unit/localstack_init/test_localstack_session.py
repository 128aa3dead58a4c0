"""localstack/localstack_session.py: every client it makes talks to the LocalStack it was given, with LocalStack's
test credentials; a value that is not an endpoint URL is refused rather than sending requests somewhere else."""

from __future__ import annotations

import pytest

from localstack_session import localstack_client, localstack_session


@pytest.fixture(autouse=True)
def no_endpoint_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # localstack-client lets it win over the host given


def test_clients_use_the_given_endpoint_region_and_test_credentials() -> None:
    kms = localstack_client("kms", "http://127.0.0.1:4711", "eu-central-1")
    assert kms.meta.endpoint_url == "http://127.0.0.1:4711"
    assert kms.meta.region_name == "eu-central-1"
    assert kms._request_signer._credentials.access_key == "test"


def test_one_session_serves_every_service_on_the_same_endpoint() -> None:
    session = localstack_session("http://localhost:4566", "us-east-1")
    assert {session.client(name).meta.endpoint_url for name in ("s3", "sqs", "secretsmanager")} == {
        "http://localhost:4566"}


def test_the_environments_endpoint_wins_as_localstack_client_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4999")
    assert localstack_client("s3", "http://127.0.0.1:4711", "eu-central-1").meta.endpoint_url == "http://127.0.0.1:4999"


@pytest.mark.parametrize("endpoint", ["", "127.0.0.1:4566", "not a url"])
def test_a_value_that_is_not_an_endpoint_url_is_refused(endpoint: str) -> None:
    with pytest.raises(ValueError, match="not a LocalStack endpoint URL"):
        localstack_session(endpoint, "eu-central-1")
