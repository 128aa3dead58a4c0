"""Operations in the template (issue 12): every alarm goes to the alarm topic, every business metric an alarm
or the dashboard watches is emitted by the code, every function's log group feeds logs.app, and the Splunk
path exists only with SplunkHecUrl and may only read logs.app."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import cfn
from tests.support.services import SERVICES

BANK_NAMESPACE = "Bank"
# bank_shared.observability.count("Name", ...) / gauge("Name", ...): how the code emits a business metric.
EMITTED = re.compile(r"""\b(?:count|gauge)\(\s*["']([A-Za-z]+)["']""")
# The forwarder's and the sink's own lines would feed themselves; the HTTP API's access log is API Gateway's, not a
# function's (its JSON lines stay in CloudWatch Logs Insights, docs/deploy.md).
NOT_SUBSCRIBED = {"LogForwarderLogGroup", "SplunkSinkLogGroup", "HttpApiAccessLogGroup"}


def emitted_metrics() -> set[str]:
    names: set[str] = set()
    for folder in ("shared", "functions"):
        for path in (cfn.REPO / folder).rglob("*.py"):
            names.update(EMITTED.findall(path.read_text(encoding="utf-8")))
    return names


def alarms() -> dict[str, dict[str, object]]:
    return {k: v for k, v in cfn.resources().items() if v["Type"] == "AWS::CloudWatch::Alarm"}


def test_every_business_metric_an_alarm_refers_to_is_emitted_somewhere() -> None:
    watched = {a["Properties"]["MetricName"] for a in alarms().values()
               if a["Properties"]["Namespace"] == BANK_NAMESPACE}
    assert watched, "no business alarm"
    assert watched <= emitted_metrics(), f"alarms on metrics no code emits: {sorted(watched - emitted_metrics())}"


def test_every_business_metric_on_the_dashboard_is_emitted_somewhere() -> None:
    body = cfn.resources()["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))["widgets"]
    on_dashboard = {row[1] for widget in widgets for row in widget["properties"]["metrics"]
                    if row[0] == BANK_NAMESPACE}
    assert on_dashboard and on_dashboard <= emitted_metrics()


@pytest.mark.parametrize("alarm_id", sorted(alarms()))
def test_every_alarm_notifies_the_alarm_topic(alarm_id: str) -> None:
    properties = alarms()[alarm_id]["Properties"]
    assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert properties["TreatMissingData"] == "notBreaching"


def test_errors_and_throttles_are_alarmed_for_every_service_function() -> None:
    watched = {(a["Properties"]["MetricName"], a["Properties"]["Dimensions"][0]["Value"]["Ref"])
               for a in alarms().values() if a["Properties"]["Namespace"] == "AWS/Lambda"}
    for service in SERVICES:
        function = cfn.service_function_id(service)
        assert {("Errors", function), ("Throttles", function)} <= watched, service


def test_every_function_log_group_feeds_the_log_forwarder() -> None:
    resources = cfn.resources()
    groups = {k for k, v in resources.items() if v["Type"] == "AWS::Logs::LogGroup"} - NOT_SUBSCRIBED
    filters = [v["Properties"] for v in resources.values() if v["Type"] == "AWS::Logs::SubscriptionFilter"]
    assert {f["LogGroupName"]["Ref"] for f in filters} == groups
    assert all(f["DestinationArn"] == {"Ref": "LogForwarderFunction.Alias"} and f["FilterPattern"] == ""
               for f in filters)


def test_the_forwarder_writes_only_logs_app_and_the_sink_reads_only_logs_app() -> None:
    def kafka_topics(logical_id: str, action: str) -> list[str]:
        return [json.dumps(r) for s in cfn.policy_statements(logical_id) if action in cfn.as_list(s["Action"])
                for r in cfn.as_list(s["Resource"])]
    assert kafka_topics("LogForwarderFunction", "kafka-cluster:WriteData") == [
        json.dumps({"Fn::Sub": "${KafkaBootstrap.TopicArnPrefix}/logs.app"})]
    assert kafka_topics("SplunkSinkFunction", "kafka-cluster:ReadData") == [
        json.dumps({"Fn::Sub": "${KafkaBootstrap.TopicArnPrefix}/logs.app"})]
    assert kafka_topics("SplunkSinkFunction", "kafka-cluster:WriteData") == []


def test_the_splunk_path_is_switched_on_by_its_url_with_the_token_in_secrets_manager() -> None:
    resources = cfn.resources()
    for logical_id in ("SplunkSinkFunction", "SplunkHecTokenSecret", "SplunkSinkLogGroup"):
        assert resources[logical_id]["Condition"] == "SplunkEnabled", logical_id
    environment = cfn.function_environment("SplunkSinkFunction")
    assert environment["SPLUNK_HEC_URL"] == {"Ref": "SplunkHecUrl"}
    assert environment["SPLUNK_HEC_TOKEN_SECRET_ARN"] == {"Ref": "SplunkHecTokenSecret"}
    mapping = resources["SplunkSinkFunction"]["Properties"]["Events"]["ConsumeLogsApp"]["Properties"]
    # No retry limit and no on-failure destination: a batch HEC refuses is retried, never dropped.
    assert "MaximumRetryAttempts" not in mapping and "DestinationConfig" not in mapping
