"""The platform function's custom resources without AWS: moto for Secrets Manager, botocore's Stubber for
kafka:GetBootstrapBrokers (moto does not implement it), a fake Kafka admin client for the topic logic
(the real broker is in tests/integration/platform), and the migration handler with a stubbed runner."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from bank_shared import custom_resource, migration_resource
from bank_shared.custom_resource import CustomResourceError, Request
from bank_shared.events.topics import ALL_TOPICS, LOGS_APP
from platform_service import databases, handler, kafka_bootstrap
from tests.support.custom_resources import Context, event

CLUSTER_ARN = "arn:aws:kafka:eu-central-1:123456789012:cluster/bank-prod-events/2f0c9c2e-1f0e-4c6a-9d1e-0a1b2c3d4e5f-s2"
BROKERS = "boot-abc.c2.kafka-serverless.eu-central-1.amazonaws.com:9098"


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    custom_resource.aws_client.cache_clear()
    yield
    custom_resource.aws_client.cache_clear()


def answer(resource_type: str, request_type: str, properties: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    sent: list[bytes] = []
    body = custom_resource.handle(event(resource_type, request_type, properties, **kwargs), Context(),
                                  handler.RESOURCES, send=lambda _url, raw: sent.append(raw))
    assert len(sent) == 1 and json.loads(sent[0]) == body
    return body


# --- Custom::KafkaBootstrap --------------------------------------------------------------------------


def stubbed_kafka(response: dict[str, Any]) -> Stubber:
    client = boto3.client("kafka", region_name="eu-central-1")
    stubber = Stubber(client)
    stubber.add_response("get_bootstrap_brokers", response, {"ClusterArn": CLUSTER_ARN})
    stubber.activate()
    return stubber


def test_bootstrap_lookup_answers_the_iam_brokers_and_arn_prefixes(monkeypatch: pytest.MonkeyPatch) -> None:
    stubber = stubbed_kafka({"BootstrapBrokerStringSaslIam": BROKERS})
    monkeypatch.setattr(kafka_bootstrap, "aws_client", lambda _name: stubber.client)
    body = answer("Custom::KafkaBootstrap", "Create", {"ClusterArn": CLUSTER_ARN})
    assert body["Status"] == "SUCCESS", body
    assert body["PhysicalResourceId"] == CLUSTER_ARN
    assert body["Data"] == {
        "BootstrapServers": BROKERS,
        "ClusterArn": CLUSTER_ARN,
        "TopicArnPrefix": "arn:aws:kafka:eu-central-1:123456789012:topic/bank-prod-events/"
                          "2f0c9c2e-1f0e-4c6a-9d1e-0a1b2c3d4e5f-s2",
        "GroupArnPrefix": "arn:aws:kafka:eu-central-1:123456789012:group/bank-prod-events/"
                          "2f0c9c2e-1f0e-4c6a-9d1e-0a1b2c3d4e5f-s2",
    }
    stubber.assert_no_pending_responses()


def test_a_cluster_without_iam_brokers_fails_the_deploy(monkeypatch: pytest.MonkeyPatch) -> None:
    stubber = stubbed_kafka({"BootstrapBrokerStringTls": "b-1:9094"})
    monkeypatch.setattr(kafka_bootstrap, "aws_client", lambda _name: stubber.client)
    body = answer("Custom::KafkaBootstrap", "Update", {"ClusterArn": CLUSTER_ARN}, physical_id=CLUSTER_ARN)
    assert body["Status"] == "FAILED" and "IAM" in body["Reason"]


def test_bootstrap_refuses_a_non_cluster_arn_and_deletes_without_calling_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_aws(_name: str) -> Any:
        raise AssertionError("no AWS call expected")

    monkeypatch.setattr(kafka_bootstrap, "aws_client", no_aws)
    body = answer("Custom::KafkaBootstrap", "Create", {"ClusterArn": "arn:aws:s3:::bucket"})
    assert body["Status"] == "FAILED" and "not an MSK cluster ARN" in body["Reason"]
    body = answer("Custom::KafkaBootstrap", "Delete", {"ClusterArn": CLUSTER_ARN}, physical_id=CLUSTER_ARN)
    assert body["Status"] == "SUCCESS" and body["PhysicalResourceId"] == CLUSTER_ARN


# --- Custom::KafkaTopics -----------------------------------------------------------------------------


class _Metadata:
    def __init__(self, partitions: int) -> None:
        self.partitions = dict.fromkeys(range(partitions))


class FakeAdmin:
    """The AdminClient calls the resource makes, against an in-memory cluster."""

    existing: dict[str, int] = {}
    retention: dict[str, str] = {}
    fail_create: dict[str, Exception] = {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def list_topics(self, timeout: float) -> Any:
        return type("Meta", (), {"topics": {name: _Metadata(n) for name, n in FakeAdmin.existing.items()}})()

    @staticmethod
    def _done(value: Any = None, error: Exception | None = None) -> Future[Any]:
        future: Future[Any] = Future()
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)
        return future

    def create_topics(self, topics: list[Any], request_timeout: float) -> dict[str, Future[Any]]:
        futures = {}
        for topic in topics:
            error = FakeAdmin.fail_create.get(topic.topic)
            if error is None:
                FakeAdmin.existing[topic.topic] = topic.num_partitions
                FakeAdmin.retention[topic.topic] = topic.config["retention.ms"]
                assert topic.replication_factor == -1  # the cluster's default
            futures[topic.topic] = self._done(error=error)
        return futures

    def create_partitions(self, partitions: list[Any], request_timeout: float) -> dict[str, Future[Any]]:
        for item in partitions:
            FakeAdmin.existing[item.topic] = item.new_total_count
        return {item.topic: self._done() for item in partitions}

    def incremental_alter_configs(self, resources: list[Any], request_timeout: float) -> dict[Any, Future[Any]]:
        for resource in resources:
            (entry,) = resource.incremental_configs
            FakeAdmin.retention[resource.name] = entry.value
        return {resource: self._done() for resource in resources}


@pytest.fixture
def fake_admin(monkeypatch: pytest.MonkeyPatch) -> type[FakeAdmin]:
    import confluent_kafka.admin

    FakeAdmin.existing, FakeAdmin.retention, FakeAdmin.fail_create = {}, {}, {}
    monkeypatch.setattr(confluent_kafka.admin, "AdminClient", FakeAdmin)
    return FakeAdmin


def topics_request(partitions: Any = 3, request_type: str = "Create") -> dict[str, Any]:
    return answer("Custom::KafkaTopics", request_type, {"BootstrapServers": BROKERS, "Partitions": partitions,
                                                        "CodeVersion": "arn:...:7"},
                  physical_id=None if request_type == "Create" else "bank-test-kafka-topics")


def test_every_topic_is_created_with_its_partitions_and_retention(fake_admin: type[FakeAdmin]) -> None:
    body = topics_request(3)
    assert body["Status"] == "SUCCESS", body
    assert body["Data"]["Topics"].split(",") == list(ALL_TOPICS)
    assert fake_admin.existing == dict.fromkeys(ALL_TOPICS, 3)
    assert fake_admin.retention[LOGS_APP] == str(24 * 3600 * 1000)
    assert fake_admin.retention["payment.executed"] == str(7 * 24 * 3600 * 1000)


def test_update_creates_what_is_missing_grows_partitions_and_never_shrinks(fake_admin: type[FakeAdmin]) -> None:
    fake_admin.existing = {"payment.executed": 1, "user.registered": 6}
    fake_admin.retention = {"payment.executed": "1000"}
    body = topics_request(3, "Update")
    assert body["Status"] == "SUCCESS", body
    assert fake_admin.existing["payment.executed"] == 3
    assert fake_admin.existing["user.registered"] == 6  # Kafka cannot lower partitions: kept, not failed
    assert fake_admin.retention["payment.executed"] == str(7 * 24 * 3600 * 1000)
    assert set(fake_admin.existing) == set(ALL_TOPICS)


def test_msk_iam_is_the_default_security(fake_admin: type[FakeAdmin], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    class Recording(FakeAdmin):
        def __init__(self, config: dict[str, Any]) -> None:
            seen.append(config)
            super().__init__(config)

    import confluent_kafka.admin

    monkeypatch.setattr(confluent_kafka.admin, "AdminClient", Recording)
    topics_request(1)
    assert seen[0]["bootstrap.servers"] == BROKERS
    assert seen[0]["security.protocol"] == "SASL_SSL" and seen[0]["sasl.mechanisms"] == "OAUTHBEARER"


def test_a_topic_created_meanwhile_is_fine_any_other_error_fails(fake_admin: type[FakeAdmin]) -> None:
    from confluent_kafka import KafkaError, KafkaException

    fake_admin.fail_create = {"user.locked": KafkaException(KafkaError(KafkaError.TOPIC_ALREADY_EXISTS))}
    assert topics_request(1)["Status"] == "SUCCESS"
    fake_admin.existing = {}
    fake_admin.fail_create = {"user.locked": KafkaException(KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED))}
    body = topics_request(1)
    assert body["Status"] == "FAILED" and "user.locked" in body["Reason"]


@pytest.mark.parametrize("partitions", [0, 25, "three"])
def test_partitions_out_of_range_fail_before_touching_kafka(fake_admin: type[FakeAdmin], partitions: Any) -> None:
    body = topics_request(partitions)
    assert body["Status"] == "FAILED"
    assert fake_admin.existing == {}


def test_delete_keeps_every_topic(fake_admin: type[FakeAdmin]) -> None:
    fake_admin.existing = {"payment.executed": 3}
    body = topics_request(3, "Delete")
    assert body["Status"] == "SUCCESS" and fake_admin.existing == {"payment.executed": 3}


# --- Custom::ServiceDatabases (what does not need PostgreSQL; the rest is in tests/integration/platform) ---


def test_scram_verifier_is_what_postgresql_stores() -> None:
    salt = b"0123456789abcdef"
    verifier = databases.scram_sha256_verifier("pencil", salt=salt)
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt_b64 = iterations_salt.split(":")
    stored_b64, server_b64 = keys.split(":")
    assert method == "SCRAM-SHA-256" and iterations == "4096" and base64.b64decode(salt_b64) == salt
    salted = hashlib.pbkdf2_hmac("sha256", b"pencil", salt, 4096)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    assert base64.b64decode(stored_b64) == hashlib.sha256(client_key).digest()
    assert base64.b64decode(server_b64) == hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    assert databases.scram_sha256_verifier("pencil") != databases.scram_sha256_verifier("pencil")  # fresh salt
    assert "pencil" not in verifier


def _secret(client: Any, name: str, value: dict[str, Any]) -> str:
    return str(client.create_secret(Name=name, SecretString=json.dumps(value))["ARN"])


@mock_aws
def test_service_credentials_are_checked_and_marked_secret() -> None:
    client = boto3.client("secretsmanager", region_name="eu-central-1")
    good = _secret(client, "bank/prod/db/ledger", {"username": "ledger", "password": "p" * 40})
    wrong_user = _secret(client, "bank/prod/db/fx", {"username": "ledger", "password": "p" * 40})
    no_password = _secret(client, "bank/prod/db/auth", {"username": "auth"})
    request = Request.parse(event("Custom::ServiceDatabases", "Create", {}))
    credentials = databases._service_credentials(request, {"Name": "ledger", "SecretArn": good})
    assert credentials.password == "p" * 40 and request.mask("p" * 40) == "***"
    with pytest.raises(CustomResourceError, match="not 'fx'"):
        databases._service_credentials(request, {"Name": "fx", "SecretArn": wrong_user})
    with pytest.raises(CustomResourceError, match="no generated password"):
        databases._service_credentials(request, {"Name": "auth", "SecretArn": no_password})
    with pytest.raises(CustomResourceError, match="identifier"):
        databases._service_credentials(request, {"Name": "Robert'); DROP", "SecretArn": good})


@mock_aws
def test_a_secret_is_completed_once_and_never_rewritten_when_unchanged() -> None:
    client = boto3.client("secretsmanager", region_name="eu-central-1")
    arn = _secret(client, "bank/prod/db/ledger", {"username": "ledger", "password": "p" * 40})
    service = databases.ServiceCredentials("ledger", arn, "p" * 40)
    proxy = databases.Endpoint("bank-prod-db.proxy-abc.eu-central-1.rds.amazonaws.com", 5432, "require")
    assert databases.complete_secret(service, proxy) is True
    value = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
    assert value == {"username": "ledger", "password": "p" * 40, "engine": "postgres", "host": proxy.host,
                     "port": 5432, "dbname": "ledger", "sslmode": "require"}
    versions = len(client.list_secret_version_ids(SecretId=arn)["Versions"])
    assert databases.complete_secret(service, proxy) is False
    assert len(client.list_secret_version_ids(SecretId=arn)["Versions"]) == versions


def test_service_entries_must_be_unique_and_well_formed() -> None:
    def request(services: Any) -> Request:
        return Request.parse(event("Custom::ServiceDatabases", "Create", {"Services": services}))

    with pytest.raises(CustomResourceError, match="twice"):
        databases._service_entries(request([{"Name": "fx", "SecretArn": "a"}, {"Name": "fx", "SecretArn": "b"}]))
    with pytest.raises(CustomResourceError, match="list"):
        databases._service_entries(request("fx"))


# --- Custom::Migrations (bank_shared.migration_resource) ----------------------------------------------


@pytest.fixture
def migration_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[tuple[str, str]]]]:
    calls: list[tuple[str, str]] = []
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="eu-central-1")
        arn = _secret(client, "bank/prod/db/ledger", {
            "username": "ledger", "password": "Zx9" * 10, "host": "proxy.example", "port": 5432,
            "dbname": "ledger", "sslmode": "require"})
        monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "ledger")
        monkeypatch.setenv("DB_SECRET_ID", arn)
        yield monkeypatch, calls


def run_migrations(request_type: str = "Create", service: str = "ledger") -> dict[str, Any]:
    sent: list[bytes] = []
    body = custom_resource.handle(
        event("Custom::Migrations", request_type, {"Service": service, "CodeVersion": "arn:...:ledger-migrations:4"},
              physical_id=None if request_type == "Create" else "ledger-database-migrations"),
        Context(), {"Custom::Migrations": migration_resource.MigrationsResource()},
        send=lambda _url, raw: sent.append(raw))
    assert len(sent) == 1
    return body


def stub_runner(monkeypatch: pytest.MonkeyPatch, calls: list[tuple[str, str]], outcome: Any) -> None:
    def upgrade_head(service: str, url: str) -> list[str]:
        calls.append((service, url))
        if isinstance(outcome, Exception):
            raise outcome
        return list(outcome)

    monkeypatch.setattr(migration_resource, "_upgrade_head", lambda: upgrade_head)


def test_migrations_run_with_the_services_own_credentials(migration_env: Any) -> None:
    monkeypatch, calls = migration_env
    stub_runner(monkeypatch, calls, ["0001_ledger", "0002_exchange"])
    body = run_migrations()
    assert body["Status"] == "SUCCESS", body
    assert body["Data"] == {"Applied": "0001_ledger,0002_exchange", "Count": "2"}
    assert body["PhysicalResourceId"] == "ledger-database-migrations"
    ((service, url),) = calls
    assert service == "ledger"
    assert url == f"postgresql://ledger:{'Zx9' * 10}@proxy.example:5432/ledger?sslmode=require"


def test_a_failed_migration_fails_the_deploy_without_leaking_the_password(migration_env: Any) -> None:
    monkeypatch, calls = migration_env
    stub_runner(monkeypatch, calls, RuntimeError(f"could not connect: password {'Zx9' * 10} rejected"))
    body = run_migrations("Update")
    assert body["Status"] == "FAILED"
    assert "Zx9" * 10 not in body["Reason"] and "***" in body["Reason"]


def test_a_rollback_to_older_code_is_not_a_failure(migration_env: Any) -> None:
    monkeypatch, calls = migration_env
    stub_runner(monkeypatch, calls, RuntimeError("Can't locate revision identified by 'a1b2c3'"))
    body = run_migrations("Update")
    assert body["Status"] == "SUCCESS" and body["Data"]["Note"] == "database ahead of code"
    assert run_migrations("Create")["Status"] == "FAILED"  # a new stack never starts ahead


def test_a_migration_function_runs_only_its_own_service(migration_env: Any) -> None:
    monkeypatch, calls = migration_env
    stub_runner(monkeypatch, calls, [])
    body = run_migrations(service="auth")
    assert body["Status"] == "FAILED" and "belongs to 'ledger'" in body["Reason"]
    assert calls == []


def test_deleting_the_migrations_touches_nothing(migration_env: Any) -> None:
    monkeypatch, calls = migration_env
    stub_runner(monkeypatch, calls, [])
    body = run_migrations("Delete")
    assert body["Status"] == "SUCCESS" and calls == []


def test_the_runner_is_bank_shared_migrations_upgrade_head(monkeypatch: pytest.MonkeyPatch) -> None:
    from bank_shared import migrations

    def fake(service: str, url: str) -> list[str]:
        return []

    monkeypatch.setattr(migrations, "upgrade_head", fake, raising=False)
    assert migration_resource._upgrade_head() is fake
