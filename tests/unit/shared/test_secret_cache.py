"""Secrets are cached for a bounded time (Powertools Parameters' max_age), so a rotation reaches warm functions."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from bank_shared import aws


@pytest.fixture
def secrets() -> Iterator[object]:
    with mock_aws():
        aws.reset_clients()
        manager = boto3.client("secretsmanager", region_name="eu-central-1")
        manager.create_secret(Name="bank/test/key", SecretString=json.dumps({"key": "first"}))
        yield manager
        aws.reset_clients()


def rotate(manager: object) -> None:
    manager.put_secret_value(SecretId="bank/test/key", SecretString=json.dumps({"key": "second"}))  # type: ignore[attr-defined]


def test_a_secret_is_read_once_within_its_max_age(secrets: object) -> None:
    assert aws.secret_json("bank/test/key") == {"key": "first"}
    rotate(secrets)
    assert aws.secret_json("bank/test/key") == {"key": "first"}  # cached


def test_a_rotated_secret_is_read_again_once_its_max_age_passed(secrets: object,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aws, "SECRET_MAX_AGE_SECONDS", 0)
    assert aws.secret_json("bank/test/key") == {"key": "first"}
    rotate(secrets)
    assert aws.secret_json("bank/test/key") == {"key": "second"}


def test_a_secret_that_is_not_a_json_object_is_refused(secrets: object) -> None:
    secrets.create_secret(Name="bank/test/list", SecretString="[1, 2]")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="not a JSON object"):
        aws.secret_json("bank/test/list")


def test_a_secret_that_cannot_be_read_is_a_503(secrets: object) -> None:
    from bank_shared.errors import DependencyUnavailable

    with pytest.raises(DependencyUnavailable):
        aws.secret_json("bank/test/missing")
