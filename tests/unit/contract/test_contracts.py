"""Contract checks: committed OpenAPI matches the apps, AsyncAPI covers every topic, the template lints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bank_shared.events.topics import ALL_TOPICS
from bank_shared.tools import openapi
from tests.support.services import SERVICES

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_matches_the_app(service: str) -> None:
    committed = openapi.spec_path(service)
    assert committed.exists(), f"run `make openapi` to create {committed.name}"
    assert committed.read_text() == openapi.render(openapi.generate(service)), "run `make openapi`"


@pytest.mark.parametrize("service", SERVICES)
def test_operation_ids_are_stable_and_prefixed(service: str) -> None:
    spec = openapi.generate(service)
    ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(op_id.startswith(f"{service}_") for op_id in ids)


def test_asyncapi_documents_every_topic() -> None:
    document = yaml.safe_load((REPO / "api_spec" / "asyncapi.yaml").read_text())
    assert document["asyncapi"].startswith("3.")
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert set(ALL_TOPICS) <= addresses


def test_launcher_creates_every_topic() -> None:
    lines = (REPO / "localstack" / "kafka" / "topics.txt").read_text().splitlines()
    listed = {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}
    assert set(ALL_TOPICS) <= listed


def test_every_service_is_a_function_with_health_in_the_template() -> None:
    from local_gateway.cfn_yaml import load_template_file  # the emulator's CloudFormation-tag loader

    resources = load_template_file(REPO / "template.yaml")["Resources"]
    for service in SERVICES:
        function = resources[f"{service.capitalize()}Function"]["Properties"]
        assert function["CodeUri"] == f"functions/{service}/"
        assert function["Handler"] == f"{service}_service.handler.lambda_handler"
        events = function["Events"]
        assert events["Health"]["Properties"]["Path"] == f"/api/{service}/health"
        assert events["Health"]["Properties"]["Auth"] == {"Authorizer": "NONE"}
        assert any(e["Type"] == "Schedule" for e in events.values()), "outbox sweeper schedule"


def test_cfn_lint_passes() -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(REPO / "template.yaml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

