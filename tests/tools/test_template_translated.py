"""What CloudFormation actually receives: the SAM translator's output for a prod deploy.

Proves, on the generated resources, what the SAM template only asks for: routes, schedules and MSK
mappings invoke the `live` alias (SnapStart restores published versions only), a version is published when
the code or the layer changes and then re-runs that service's migrations, migrations run before the service
function is updated, and the resource graph has no cycle.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from tests.support import cfn
from tests.support.cfn import REPO
from tests.support.services import SERVICES

SAM_PYTHON = REPO / ".local" / "venv-sam" / "bin" / "python"
SCRIPT = REPO / "localstack" / "sam_translate.py"
ALIAS = "live"


@lru_cache(maxsize=1)
def translated() -> dict[str, dict[str, Any]]:
    if not SAM_PYTHON.exists():
        pytest.fail("the SAM CLI venv is missing: `make install` creates .local/venv-sam")
    parameters = {**cfn.parameter_values("prod")}
    scenarios = {"base": {}, "layer_changed": {"shared/": "changed-layer"},
                 "auth_changed": {"functions/auth/": "changed-auth"}}
    work = Path(os.environ.get("TMPDIR", "/tmp"))
    parameters_file = work / f"sam-parameters-{os.getpid()}.json"
    scenarios_file = work / f"sam-scenarios-{os.getpid()}.json"
    parameters_file.write_text(json.dumps(parameters))
    scenarios_file.write_text(json.dumps(scenarios))
    try:
        result = subprocess.run([str(SAM_PYTHON), str(SCRIPT), str(cfn.TEMPLATE), str(parameters_file),
                                 str(scenarios_file)], capture_output=True, text=True, timeout=300, check=False,
                                env={**os.environ, "AWS_DEFAULT_REGION": "eu-central-1", "SAM_CLI_TELEMETRY": "0"})
    finally:
        parameters_file.unlink(missing_ok=True)
        scenarios_file.unlink(missing_ok=True)
    assert result.returncode == 0, result.stderr[-3000:]
    output: dict[str, dict[str, Any]] = json.loads(result.stdout)
    return output


def base() -> dict[str, Any]:
    return translated()["base"]


def of_type(resources: dict[str, Any], type_name: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v["Type"] == type_name}


def version_id(resources: dict[str, Any], function_id: str) -> str:
    pattern = re.compile(rf"^{function_id}Version[0-9a-f]{{10}}$")
    (found,) = [k for k, v in of_type(resources, "AWS::Lambda::Version").items() if pattern.match(k)]
    return found


def alias_ref(function_id: str) -> dict[str, str]:
    return {"Ref": f"{function_id}Alias{ALIAS}"}


def test_every_function_is_published_behind_the_live_alias() -> None:
    resources = base()
    for function_id in of_type(resources, "AWS::Lambda::Function"):
        alias = resources[f"{function_id}Alias{ALIAS}"]
        assert alias["Properties"]["FunctionVersion"] == {
            "Fn::GetAtt": [version_id(resources, function_id), "Version"]}
        assert resources[version_id(resources, function_id)]["DeletionPolicy"] == "Delete"


def test_snapstart_on_the_services_only() -> None:
    functions = of_type(base(), "AWS::Lambda::Function")
    for function_id, function in functions.items():
        properties = function["Properties"]
        expected = "PublishedVersions" if function_id in {cfn.service_function_id(s) for s in SERVICES} else "None"
        assert properties["SnapStart"] == {"ApplyOn": expected}, function_id
        # What SnapStart does not support: provisioned concurrency, EFS, ephemeral storage above 512 MB.
        assert "FileSystemConfigs" not in properties
        assert properties.get("EphemeralStorage", {"Size": 512})["Size"] <= 512
        assert properties["Runtime"] == "python3.12" and properties["Architectures"] == ["arm64"]
    assert not [k for k, v in of_type(base(), "AWS::Lambda::Alias").items()
                if "ProvisionedConcurrencyConfig" in v["Properties"]]


def consumed_topics() -> int:
    """How many topics the services consume, from each one's events.py registry."""
    registries = [importlib.import_module(f"{service}_service.events") for service in sorted(SERVICES)]
    return sum(len(getattr(registry, "CONSUMES", ())) for registry in registries)


def test_routes_schedules_and_kafka_mappings_invoke_the_alias() -> None:
    resources = base()
    permissions = of_type(resources, "AWS::Lambda::Permission")
    assert permissions
    for permission_id, permission in permissions.items():
        function = permission["Properties"]["FunctionName"]
        assert isinstance(function, dict) and function["Ref"].endswith(f"Alias{ALIAS}"), permission_id
    mappings = of_type(resources, "AWS::Lambda::EventSourceMapping")
    # one per topic a service's events.py CONSUMES (docs/events.md), and the Splunk sink on logs.app (operations.md)
    assert len(mappings) == consumed_topics() + 1
    for mapping_id, mapping in mappings.items():
        functions = ("SplunkSinkFunction",) if mapping_id.startswith("SplunkSink") else ("NotificationsFunction",
                                                                                         "ContractsFunction")
        assert mapping["Properties"]["FunctionName"] in [alias_ref(f) for f in functions], mapping_id
    rules = of_type(resources, "AWS::Events::Rule")
    assert len(rules) == len(SERVICES)
    for rule_id, rule in rules.items():
        (target,) = rule["Properties"]["Targets"]
        assert target["Arn"]["Ref"].endswith(f"Alias{ALIAS}"), rule_id
    paths = resources["HttpApi"]["Properties"]["Body"]["paths"]
    uris = [operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
            for path in paths.values() for operation in path.values()]
    assert uris
    for uri in uris:
        (target,) = re.findall(r"/functions/\$\{(\w+)\}/invocations", uri)
        assert target.endswith(f"Alias{ALIAS}"), uri


def test_migrations_run_before_the_service_is_updated() -> None:
    resources = base()
    for service in SERVICES:
        function_id = cfn.service_function_id(service)
        migrations_id = f"{service.capitalize()}Migrations"
        migration_function = f"{service.capitalize()}MigrationsFunction"
        assert migrations_id in resources[function_id]["DependsOn"]
        migrations = resources[migrations_id]
        assert migrations["Properties"]["CodeVersion"] == {"Ref": version_id(resources, migration_function)}
        assert migrations["Properties"]["ServiceToken"] == {"Fn::GetAtt": [migration_function, "Arn"]}
        assert "ServiceDatabases" in migrations["DependsOn"]
        # One build artifact: the migrations are the ones that ship with this very code.
        assert resources[migration_function]["Properties"]["Code"] == resources[function_id]["Properties"]["Code"]


def test_new_code_publishes_new_versions_and_reruns_only_its_migrations() -> None:
    before, after = translated()["base"], translated()["auth_changed"]
    assert version_id(before, "AuthFunction") != version_id(after, "AuthFunction")
    assert after["AuthMigrations"]["Properties"]["CodeVersion"] != before["AuthMigrations"]["Properties"]["CodeVersion"]
    assert after["LedgerMigrations"]["Properties"] == before["LedgerMigrations"]["Properties"]
    assert version_id(before, "LedgerFunction") == version_id(after, "LedgerFunction")


def test_a_new_layer_publishes_every_function_and_reruns_migrations_and_topics() -> None:
    before, after = translated()["base"], translated()["layer_changed"]
    for function_id in of_type(before, "AWS::Lambda::Function"):
        assert version_id(before, function_id) != version_id(after, function_id), function_id
    for service in SERVICES:
        key = f"{service.capitalize()}Migrations"
        assert after[key]["Properties"]["CodeVersion"] != before[key]["Properties"]["CodeVersion"]
    assert after["KafkaTopics"]["Properties"]["CodeVersion"] != before["KafkaTopics"]["Properties"]["CodeVersion"]


def _references(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found.update(m.split(".")[0] for m in re.findall(r"\$\{([^}!][^}]*)\}", text))
                if isinstance(value, list):
                    _references(value[1], found)
            else:
                _references(value, found)
    elif isinstance(node, list):
        for item in node:
            _references(item, found)


def test_the_resource_graph_has_no_cycle() -> None:
    resources = base()
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        found: set[str] = set()
        _references(resource.get("Properties"), found)
        _references(resource.get("Metadata"), found)
        found.update(cfn.as_list(resource.get("DependsOn") or []))
        graph[logical_id] = {ref for ref in found if ref in resources}
    done: set[str] = set()
    for start in graph:
        stack, path = [(start, iter(graph[start]))], {start}
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.discard(node)
                done.add(node)
            elif child in path:
                pytest.fail(f"dependency cycle through {child}: {[n for n, _ in stack]}")
            elif child not in done:
                stack.append((child, iter(graph[child])))
                path.add(child)
