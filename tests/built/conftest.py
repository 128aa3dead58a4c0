"""The built-artifact tier: `sam build` as AWS gets it (arm64) and for this host, then every handler imported
and invoked from its build directory with nothing but the layer beside it.

Builds are cached (`sam build --cached`, a hash-checked wheelhouse) under .local/built/<arch>/; the first run
on a machine fetches the wheels and takes minutes, later runs seconds. A missing SAM CLI or python3.12 fails
the tier with the reason; nothing is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from stackctl_common import LOCAL, REPO, StackError

import buildctl
from local_gateway.template import FunctionSpec, Model, load_model
from tests.built.isolated import IsolatedFunction, built_spec
from tests.support.scratch_db import scratch

__all__ = ["scratch"]  # scratch databases for the migration test

BUILT = LOCAL / "built"
ENV_FILE = LOCAL / "env.json"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/built/" in str(item.fspath):
            item.add_marker(pytest.mark.built)


def _build(arch: str) -> buildctl.Build:
    try:
        return buildctl.sam_build(arch, BUILT / arch / "build", log=BUILT / arch / "sam-build.log")
    except StackError as exc:
        pytest.fail(f"sam build ({arch}) failed: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def arm64_build() -> buildctl.Build:
    """template.yaml exactly as `make build` hands it to AWS."""
    return _build("arm64")


@pytest.fixture(scope="session")
def host_build() -> buildctl.Build:
    """The same template for this machine's architecture, so its artifacts can be loaded here."""
    return _build(buildctl.host_arch())


@pytest.fixture(scope="session")
def runtime_python() -> Path:
    try:
        return buildctl.runtime_bin_dir() / f"python{buildctl.RUNTIME}"
    except StackError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def stack_model() -> Model:
    """The template's functions, routes and MSK mappings, with the running stack's environment (env.json)."""
    if not ENV_FILE.is_file():
        pytest.fail("the local stack is not configured (.local/env.json): run `make up` (make test does)",
                    pytrace=False)
    return load_model(REPO / "template.yaml", ENV_FILE, repo_root=REPO,
                      region=json.loads(ENV_FILE.read_text())["Parameters"].get("AWS_DEFAULT_REGION"))


class Artifacts:
    """Starts built functions in isolated workers and stops them at the end of the session."""

    def __init__(self, build: buildctl.Build, python: Path, model: Model) -> None:
        self.build = build
        self.python = python
        self.model = model
        self._started: dict[str, IsolatedFunction] = {}

    def spec(self, logical_id: str) -> FunctionSpec:
        return built_spec(self.model.functions[logical_id], self.build.function_dir(logical_id),
                          self.build.layer_dir)

    def function(self, logical_id: str) -> IsolatedFunction:
        if logical_id not in self._started:
            log = BUILT / self.build.arch / "logs" / f"{logical_id}.log"
            self._started[logical_id] = IsolatedFunction(self.python, self.spec(logical_id), log)
        return self._started[logical_id]

    def close(self) -> None:
        for worker in self._started.values():
            worker.close()


@pytest.fixture(scope="session")
def artifacts(host_build: buildctl.Build, runtime_python: Path, stack_model: Model) -> Iterator[Artifacts]:
    started = Artifacts(host_build, runtime_python, stack_model)
    yield started
    started.close()
