"""What `sam build` puts into the artifacts: the right architecture and exactly the locked packages."""

from __future__ import annotations

import email.parser
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from stackctl_common import REPO

import buildctl
import lockctl
from local_gateway.template import load_model
from tests.built.conftest import Artifacts
from tests.built.isolated import IsolatedFunction

FUNCTIONS = load_model(REPO / "template.yaml", repo_root=REPO).functions


def test_every_compiled_file_in_the_arm64_artifacts_is_aarch64(arm64_build: buildctl.Build) -> None:
    machines = Counter(buildctl.elf_machine(path) for path in buildctl.shared_objects(arm64_build.build_dir))
    # The layer alone brings compiled pydantic-core, psycopg-binary, confluent-kafka, cryptography, cffi.
    assert sum(machines.values()) >= 10, machines
    assert machines == {buildctl.ELF_MACHINE["arm64"]: sum(machines.values())}, (
        f"e_machine counts {dict(machines)}; x86_64 is {buildctl.ELF_MACHINE['x86_64']}")
    assert buildctl.foreign_binaries(arm64_build.build_dir, "arm64") == []


def test_every_compiled_file_in_the_host_artifacts_is_for_this_host(host_build: buildctl.Build) -> None:
    assert list(buildctl.shared_objects(host_build.build_dir))
    assert buildctl.foreign_binaries(host_build.build_dir, host_build.arch) == []


def test_the_elf_check_tells_the_architectures_apart(arm64_build: buildctl.Build,
                                                     host_build: buildctl.Build) -> None:
    """The check above can fail: the host build's binaries are foreign to arm64 (on an x86_64 host)."""
    if host_build.arch == "arm64":
        pytest.fail("this check needs an x86_64 host; on arm64 the two builds are the same")
    assert buildctl.foreign_binaries(host_build.build_dir, "arm64")


def installed(site: Path) -> dict[str, str]:
    """name → version of every distribution installed into an artifact directory."""
    found = {}
    for metadata in site.glob("*.dist-info/METADATA"):
        headers = email.parser.Parser().parsestr(metadata.read_text(errors="replace"), headersonly=True)
        found[lockctl.normalize(headers["Name"])] = headers["Version"]
    return found


def locked(lock: Path) -> dict[str, str]:
    return {pin.name: pin.version for pin in lockctl.read_pins(lock)}


@pytest.mark.parametrize("arch", ["arm64", "host"])
def test_the_artifacts_hold_exactly_the_locked_versions(request: pytest.FixtureRequest, arch: str) -> None:
    build: buildctl.Build = request.getfixturevalue(f"{arch}_build")
    assert installed(build.layer_dir) == locked(lockctl.layer_lock().output)
    for logical_id, spec in FUNCTIONS.items():
        lock = lockctl.function_lock(spec.code_dir).output
        assert installed(build.function_dir(logical_id)) == locked(lock), logical_id


def test_a_handler_whose_requirement_is_missing_fails_its_cold_start(artifacts: Artifacts, tmp_path: Path) -> None:
    """The tier's isolated import catches a package the function's requirements forgot (argon2 is only in
    auth's artifact, so a handler beside the layer alone cannot import it)."""
    package = tmp_path / "planted_service"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "handler.py").write_text("import argon2\n\ndef lambda_handler(event, context):\n    return {}\n")
    spec = artifacts.spec("AuthFunction")
    planted = replace(spec, code_dir=tmp_path, handler="planted_service.handler.lambda_handler")
    worker = IsolatedFunction(artifacts.python, planted, tmp_path / "worker.log")
    try:
        assert worker.init.get("ready") is False
        assert worker.init["errorType"] == "Runtime.ImportModuleError"
        assert "argon2" in worker.init["errorMessage"]
    finally:
        worker.close()
