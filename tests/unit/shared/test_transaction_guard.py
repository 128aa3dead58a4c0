"""The runtime guard: no network call while a database transaction is open (bank_shared.transaction_guard)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bank_shared import aws, transaction_guard
from bank_shared.http import ServiceClient
from bank_shared.transaction_guard import (
    NetworkCallInTransaction,
    guard_boto_client,
    network_call,
)
from tests.support.fake_db import fake_unit_of_work

uow = fake_unit_of_work


def test_a_network_call_inside_a_transaction_raises_locally() -> None:
    with uow(), pytest.raises(NetworkCallInTransaction, match="ledger"):
        network_call("service:ledger")


def test_outside_a_transaction_and_after_it_calls_are_free() -> None:
    network_call("before")
    with uow():
        pass
    network_call("after")


def test_a_transaction_that_failed_is_closed_too() -> None:
    with pytest.raises(ValueError), uow():
        raise ValueError("rolled back")
    network_call("after a rollback")


def test_after_commit_callbacks_run_outside_the_transaction() -> None:
    seen: list[bool] = []
    with uow() as work:
        work.after_commit(lambda: seen.append(transaction_guard.in_transaction()))
    assert seen == [False]


def test_nested_units_keep_the_outer_transaction_open() -> None:
    with uow():
        with uow():
            pass
        with pytest.raises(NetworkCallInTransaction):
            network_call("still inside the outer one")


@mock_aws
def test_a_secret_is_read_outside_a_transaction_and_refused_inside_even_when_cached(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws.reset_clients()
    try:
        aws.client("secretsmanager").create_secret(Name="bank/test/guarded", SecretString=json.dumps({"key": "k"}))
        assert aws.secret_json("bank/test/guarded") == {"key": "k"}  # read before the transaction: cached now
        with uow(), pytest.raises(NetworkCallInTransaction, match="secretsmanager"):
            aws.secret_json("bank/test/guarded")
    finally:
        aws.reset_clients()


def test_in_aws_a_violation_is_logged_and_counted_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    class Deployed:
        is_local = False

    counted: list[str] = []
    monkeypatch.setattr("bank_shared.settings.get_settings", lambda: Deployed())
    monkeypatch.setattr("bank_shared.observability.count", lambda name, *a, **k: counted.append(name))
    with uow():
        network_call("service:ledger")
    assert counted == ["NetworkCallInTransaction"]


def test_calls_to_another_service_are_guarded() -> None:
    class NeverInvoked:
        caller = "accounts"

        def function_name(self, service: str) -> str:
            raise AssertionError("the guard must refuse before anything is sent")

        def invoke(self, service: str, event: dict[str, Any], timeout: float) -> Any:
            raise AssertionError("the guard must refuse before anything is sent")

    with uow(), pytest.raises(NetworkCallInTransaction, match="service:ledger"):
        ServiceClient("ledger", invoker=NeverInvoked()).get("/internal/balances")


@mock_aws
def test_boto3_clients_are_guarded_before_anything_is_sent() -> None:
    s3 = guard_boto_client(boto3.client("s3", region_name="eu-central-1"))
    s3.create_bucket(Bucket="outside", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    with uow(), pytest.raises(NetworkCallInTransaction, match="aws:s3"):
        s3.list_buckets()
