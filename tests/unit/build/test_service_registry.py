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


@pytest.mark.parametrize("contract", range(4))
def test_every_layer_contract_covers_every_service(contract: int) -> None:
    rule = pyproject()["tool"]["importlinter"]["contracts"][contract]
    named = rule.get("modules") or rule.get("containers") or rule["forbidden_modules"]
    if rule["name"].startswith("Deployed code"):
        named = rule["source_modules"]
    assert packages(named) == SERVICES, rule["name"]


def test_the_template_deploys_each_registered_service_with_its_migrations() -> None:
    deployed = set(functions())
    for service in SERVICES:
        assert f"{service.capitalize()}Function" in deployed, service
        assert f"{service.capitalize()}MigrationsFunction" in deployed, service
    migrations = {name.removesuffix("MigrationsFunction").lower() for name in deployed
                  if name.endswith("MigrationsFunction")}
    assert migrations == SERVICES
