"""Least privilege, checked against the code's own declarations: each function may write exactly the Kafka
topics its service publishes (`<svc>_service.events.PUBLISHES`), read exactly what it consumes (CONSUMES,
with its consumer groups), invoke exactly the services it calls, and read only its own secrets."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from bank_shared.events.topics import ALL_TOPICS
from tests.support import cfn
from tests.support.cfn import REPO, Resolver
from tests.support.services import SERVICES

# Who calls whom (issue 9). When a service declares `CALLS` in its package, that declaration is the truth.
EXPECTED_CALLS: dict[str, set[str]] = {
    "customer": {"auth", "accounts", "ledger", "fx", "notifications", "utilities"},
    "utilities": {"accounts", "ledger"},
    "fx": {"accounts", "ledger"},
    "notifications": {"accounts"},
    "accounts": {"ledger"},
    "office": {"auth", "accounts", "ledger"},
}
TOPIC_ARN = re.compile(r"^\$\{KafkaBootstrap\.TopicArnPrefix\}/(?P<topic>[\w.]+)$")
GROUP_ARN = re.compile(r"^\$\{KafkaBootstrap\.GroupArnPrefix\}/(?P<group>[\w.-]+)$")
FUNCTION_ARN = re.compile(r"^arn:\$\{AWS::Partition\}:lambda:\$\{AWS::Region\}:\$\{AWS::AccountId\}:"
                          r"function:bank-\$\{Stage\}-(?P<callee>[a-z]+)(?P<alias>:live)?$")


def events_of(service: str) -> Any:
    return importlib.import_module(f"{service}_service.events")


def statements(logical_id: str, sid: str) -> list[dict[str, Any]]:
    return [s for s in cfn.policy_statements(logical_id) if s.get("Sid") == sid]


def sub_texts(resources: Any) -> list[str]:
    texts = []
    for item in cfn.as_list(resources):
        assert isinstance(item, dict) and set(item) == {"Fn::Sub"}, f"expected !Sub ARNs, got {item!r}"
        texts.append(item["Fn::Sub"])
    return texts


def named(pattern: re.Pattern[str], group: str, resources: Any) -> set[str]:
    found = set()
    for text in sub_texts(resources):
        match = pattern.match(text)
        assert match, f"{text!r} is not a {group} ARN of the events cluster"
        found.add(match.group(group))
    return found


def kafka_actions(logical_id: str) -> list[tuple[set[str], Any]]:
    return [(set(cfn.as_list(s["Action"])), s["Resource"]) for s in cfn.policy_statements(logical_id)
            if any(str(a).startswith("kafka-cluster:") for a in cfn.as_list(s["Action"]))]


@pytest.mark.parametrize("service", SERVICES)
def test_a_function_writes_exactly_the_topics_its_service_publishes(service: str) -> None:
    function_id = cfn.service_function_id(service)
    publish = statements(function_id, "KafkaPublish")
    written = set().union(*(named(TOPIC_ARN, "topic", s["Resource"]) for s in publish)) if publish else set()
    assert written == set(events_of(service).PUBLISHES)
    connect = statements(function_id, "KafkaConnect")[0]
    assert connect["Resource"] == {"Fn::GetAtt": ["KafkaBootstrap", "ClusterArn"]}
    idempotent = "kafka-cluster:WriteDataIdempotently" in cfn.as_list(connect["Action"])
    assert idempotent == bool(events_of(service).PUBLISHES), "idempotent producers need WriteDataIdempotently"


@pytest.mark.parametrize("service", SERVICES)
def test_a_function_reads_exactly_the_topics_its_service_consumes(service: str) -> None:
    function_id = cfn.service_function_id(service)
    consumes = set(events_of(service).CONSUMES)
    read = statements(function_id, "KafkaConsume")
    read_topics = set().union(*(named(TOPIC_ARN, "topic", s["Resource"]) for s in read)) if read else set()
    assert read_topics == consumes
    events = cfn.functions()[function_id]["Properties"].get("Events") or {}
    msk = [e["Properties"] for e in events.values() if e["Type"] == "MSK"]
    assert {topic for mapping in msk for topic in mapping["Topics"]} == consumes
    for mapping in msk:
        assert mapping["Stream"] == {"Fn::GetAtt": ["EventsCluster", "Arn"]}
    groups = statements(function_id, "KafkaConsumerGroups")
    allowed_groups = set().union(*(named(GROUP_ARN, "group", s["Resource"]) for s in groups)) if groups else set()
    assert allowed_groups == {mapping["ConsumerGroupId"] for mapping in msk}


@pytest.mark.parametrize("logical_id", sorted(cfn.functions()))
def test_no_function_has_kafka_rights_on_everything(logical_id: str) -> None:
    for actions, resource in kafka_actions(logical_id):
        assert resource != "*" and "kafka-cluster:*" not in actions, logical_id
        if actions & {"kafka-cluster:WriteData", "kafka-cluster:ReadData"}:
            assert all(TOPIC_ARN.match(text) for text in sub_texts(resource)), logical_id


def test_every_declared_topic_exists() -> None:
    for service in SERVICES:
        assert set(events_of(service).PUBLISHES) <= set(ALL_TOPICS), service
        assert set(events_of(service).CONSUMES) <= set(ALL_TOPICS), service


def _topics_recorded_in_code(service: str) -> set[str]:
    """Topic constants referenced by the modules that build events (`new_event(...)`)."""
    constants = {name: value for name, value in vars(importlib.import_module("bank_shared.events.topics")).items()
                 if isinstance(value, str) and value in ALL_TOPICS}
    found: set[str] = set()
    for path in (REPO / "functions" / service / f"{service}_service").glob("*.py"):
        tree = ast.parse(path.read_text())
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "new_event"]
        if calls and path.name != "events.py":
            found |= {constants[n.id] for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in constants}
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_publishes_declares_what_the_code_records(service: str) -> None:
    assert _topics_recorded_in_code(service) == set(events_of(service).PUBLISHES)


def declared_calls(service: str) -> set[str] | None:
    """`CALLS = (...)` in any module of the service package, if the service declares it."""
    for path in sorted((REPO / "functions" / service / f"{service}_service").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(getattr(t, "id", None) == "CALLS" for t in targets) and node.value is not None:
                    module = importlib.import_module(f"{service}_service.{path.stem}")
                    return {str(callee) for callee in module.CALLS}
    return None


@pytest.mark.parametrize("service", SERVICES)
def test_a_function_may_invoke_exactly_its_callees(service: str) -> None:
    expected = declared_calls(service)
    if expected is None:
        expected = EXPECTED_CALLS.get(service, set())
    invoke = statements(cfn.service_function_id(service), "InvokeCallees")
    arns: list[tuple[str, bool]] = []
    for statement in invoke:
        assert cfn.as_list(statement["Action"]) == ["lambda:InvokeFunction"]
        for text in sub_texts(statement["Resource"]):
            match = FUNCTION_ARN.match(text)
            assert match, f"{text!r} is not a bank function ARN"
            arns.append((match.group("callee"), bool(match.group("alias"))))
    assert {callee for callee, _ in arns} == expected
    for callee in expected:  # the function and its live alias (what SnapStart restores)
        assert {(callee, False), (callee, True)} <= set(arns), callee


@pytest.mark.parametrize("logical_id", sorted(cfn.functions()))
def test_nobody_invokes_everything(logical_id: str) -> None:
    for statement in cfn.policy_statements(logical_id):
        if any(str(action).startswith("lambda:") for action in cfn.as_list(statement["Action"])):
            assert statement["Resource"] != "*", logical_id


EXTRA_SECRETS = {
    "auth": {"<OneTimeLinkKeySecret>"},  # access tokens are signed in KMS: no signing key in a secret
    "notifications": {"<OneTimeLinkKeySecret>", "<VapidKeySecret>"},  # the web push VAPID key pair's seed
    # the card network's HMAC key (docs/cards.md), the card acquirer's credentials and webhook key (docs/payments.md)
    "accounts": {"<CardNetworkKeySecret>", "<AcquirerSecret>"},
}


def secret_arns(logical_id: str) -> set[str]:
    resolver = Resolver("prod")
    found = set()
    for name, arguments in cfn.policy_templates(logical_id):
        if name.startswith("AWSSecretsManager"):
            found.add(resolver.origin(arguments["SecretArn"]).text)
    for statement in cfn.policy_statements(logical_id):
        if any(str(a).startswith("secretsmanager:") for a in cfn.as_list(statement["Action"])):
            found |= {resolver.origin(r).text for r in cfn.as_list(statement["Resource"])}
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reads_only_its_own_secrets(service: str) -> None:
    own = f"<{service.capitalize()}DbSecret>"
    assert secret_arns(cfn.service_function_id(service)) == {own} | EXTRA_SECRETS.get(service, set())
    assert secret_arns(f"{service.capitalize()}MigrationsFunction") == {own}
    for arn in secret_arns(cfn.service_function_id(service)):
        assert not arn.endswith("/*") and "*" not in arn.replace("??????", ""), arn


@pytest.mark.parametrize("logical_id", sorted(cfn.functions()))
def test_ssm_and_s3_only_where_used(logical_id: str) -> None:
    templates = {name for name, _ in cfn.policy_templates(logical_id)}
    if "SSMParameterReadPolicy" in templates:
        assert logical_id == "FxFunction"
    if "S3CrudPolicy" in templates:  # the statements bucket: contract documents, customers' statements
        assert logical_id in {"ContractsFunction", "CustomerFunction"}
    for name, _ in cfn.policy_templates(logical_id):
        assert name in {"AWSSecretsManagerGetSecretValuePolicy", "SSMParameterReadPolicy", "S3CrudPolicy",
                        "SQSSendMessagePolicy"}, f"{logical_id}: review policy template {name}"


def test_platform_function_touches_only_the_bank_cluster_and_database_secrets() -> None:
    resolver = Resolver("prod")
    for statement in cfn.policy_statements("PlatformFunction"):
        for resource in cfn.as_list(statement["Resource"]):
            text = resolver.origin(resource).text
            assert text != "*", statement["Sid"]
            if any(str(a).startswith("kafka") for a in cfn.as_list(statement["Action"])):
                assert text in ("<EventsCluster.Arn>",
                                "arn:aws:kafka:eu-central-1:123456789012:topic/bank-prod-events/*"), text
    assert secret_arns("PlatformFunction") == {"<DbCluster.MasterUserSecret.SecretArn>"} | {
        f"<{service.capitalize()}DbSecret>" for service in SERVICES}


def test_template_declares_events_for_every_service() -> None:
    for service in SERVICES:
        path = Path(REPO / "functions" / service / f"{service}_service" / "events.py")
        assert path.is_file(), f"{service} must declare PUBLISHES/CONSUMES in events.py"
