"""`functions/services.toml` is the one list of the bank's services: every place that must name them all
(pyproject's paths, lint packages and layer contracts; the template's functions and migration functions; the
service directories themselves) names exactly these, so adding a service is one line there plus its code."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bank_shared.tools.registry import service_names
from tests.support.cfn import functions

REPO = Path(__file__).resolve().parents[3]
SERVICES = set(service_names())
PLATFORM = "platform"  # the platform function: a deployable, not a domain service (no database, no routes)


def pyproject() -> dict[str, Any]:
    with (REPO / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def packages(names: list[str]) -> set[str]:
    return {name.removesuffix("_service") for name in names if name.endswith("_service")} - {PLATFORM}


def test_the_registry_lists_nine_services_once() -> None:
    assert len(service_names()) == len(SERVICES) == 9


def test_every_service_directory_is_registered_and_every_registered_service_exists() -> None:
    found = {path.parent.name for path in (REPO / "functions").glob("*/*_service")
             if path.name == f"{path.parent.name}_service"} - {PLATFORM}
    assert found == SERVICES


def test_pyproject_names_exactly_the_registered_services() -> None:
    config = pyproject()
    tool = config["tool"]
    paths = {p.removeprefix("functions/") for p in tool["pytest"]["ini_options"]["pythonpath"]
             if p.startswith("functions/")} - {PLATFORM}
    assert paths == SERVICES
    mypy_paths = {p.removeprefix("functions/") for p in tool["mypy"]["mypy_path"].split(":")
                  if p.startswith("functions/")} - {PLATFORM}
    assert mypy_paths == SERVICES
    assert packages(tool["mypy"]["packages"]) == SERVICES
    assert packages(tool["ruff"]["lint"]["isort"]["known-first-party"]) == SERVICES
    assert packages(tool["importlinter"]["root_packages"]) == SERVICES


def contracts() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = pyproject()["tool"]["importlinter"]["contracts"]
    return rules


def services_named_by(rule: dict[str, Any]) -> list[str]:
    """The list of a contract that names the services: who is independent, whom the shared layer may not import,
    whose code may not import the local tooling, whose layers are checked."""
    field = {"independence": "modules", "layers": "containers"}.get(rule["type"])
    if field is None:  # forbidden: the services are the source when local tooling is forbidden, else the target
        field = "source_modules" if "bank_shared" not in rule["source_modules"] else "forbidden_modules"
    names: list[str] = rule[field]
    return names


@pytest.mark.parametrize("rule", contracts(), ids=lambda rule: str(rule["name"]))
def test_every_layer_contract_covers_every_service(rule: dict[str, Any]) -> None:
    assert packages(services_named_by(rule)) == SERVICES, rule["name"]


def test_every_contract_is_checked_here() -> None:
    """A new contract type must say here which of its lists names the services (else it is silently skipped)."""
    assert {rule["type"] for rule in contracts()} <= {"independence", "layers", "forbidden"}


def test_the_template_deploys_each_registered_service_with_its_migrations() -> None:
    deployed = set(functions())
    for service in SERVICES:
        assert f"{service.capitalize()}Function" in deployed, service
        assert f"{service.capitalize()}MigrationsFunction" in deployed, service
    migrations = {name.removesuffix("MigrationsFunction").lower() for name in deployed
                  if name.endswith("MigrationsFunction")}
    assert migrations == SERVICES


def test_every_local_tool_package_is_kept_out_of_deployed_code_and_the_shared_layer() -> None:
    """The local stack's packages (gateway, seeding, stand-ins) are listed three times in pyproject: a package
    added to the lint roots but not to both forbidding contracts would be free to leak into a Lambda."""
    roots = set(pyproject()["tool"]["importlinter"]["root_packages"])
    tooling = {name for name in roots if not name.endswith("_service") and name != "bank_shared"}
    for rule in contracts():
        if rule["type"] == "forbidden":
            assert tooling <= set(rule["forbidden_modules"]), rule["name"]
