"""The CI/CD workflow (.github/workflows/ci.yml): a valid GitHub Actions structure, every tier runs, deploys go
through OIDC after every test job (dev from main, prod from a tag behind the `prod` environment), and every
command it runs exists in the repository (make targets, scripts, tool venvs `make install` creates)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
TEST_JOBS = {"lint", "unit", "stack", "built"}


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def triggers() -> dict[str, Any]:
    data = workflow()
    value: dict[str, Any] = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    return value


def steps() -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow()["jobs"].items() for step in job["steps"]]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (REPO / "Makefile").read_text(), flags=re.MULTILINE))


def test_structure_is_a_github_actions_workflow() -> None:
    data = workflow()
    assert {"name", "jobs"} <= set(data) and triggers()
    assert set(triggers()) == {"push", "pull_request"}
    assert triggers()["push"] == {"branches": ["main"], "tags": ["v*"]}
    jobs = data["jobs"]
    for name, job in jobs.items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name)
        assert job["runs-on"].startswith("ubuntu-") and isinstance(job["timeout-minutes"], int), name
        assert job["steps"], name
        for need in job.get("needs", []):
            assert need in jobs, f"{name} needs unknown job {need}"
    for job, step in steps():
        assert ("uses" in step) != ("run" in step), f"{job}: a step either uses an action or runs a command"
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), f"{job}: pin actions to a major: {step}"
    assert data["permissions"] == {"contents": "read"}, "least privilege by default"


def test_every_tier_runs() -> None:
    commands = {job: [step["run"] for step in workflow()["jobs"][job]["steps"] if "run" in step]
                for job in TEST_JOBS}
    assert "make lint" in commands["lint"]
    assert any(c.startswith(".local/venv/bin/cfn-lint template.yaml") for c in commands["lint"])
    assert any("checkov" in c and ".checkov.yaml" in c for c in commands["lint"])
    assert "make test-unit" in commands["unit"] and "make test" in commands["stack"]
    assert "make test-built" in commands["built"]


def test_deploys_assume_a_role_through_oidc_after_every_test_job() -> None:
    jobs = workflow()["jobs"]
    expected = {"deploy-dev": ("dev", "refs/heads/main"), "deploy-prod": ("prod", "refs/tags/v")}
    for name, (stage, ref) in expected.items():
        job = jobs[name]
        assert set(job["needs"]) == TEST_JOBS
        assert job["environment"] == stage and ref in job["if"]
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        uses = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
        assert len(uses) == 1 and "role-to-assume" in uses[0]["with"]
        assert "aws-access-key-id" not in uses[0]["with"], "OIDC, never stored keys"
        assert job["steps"][-1]["run"] == f"make deploy STAGE={stage}"
    others = set(jobs) - set(expected)
    assert all("id-token" not in (jobs[j].get("permissions") or {}) for j in others)


def test_every_command_exists_in_the_repo() -> None:
    targets = make_targets()
    installer = (REPO / "localstack" / "stackctl_install.py").read_text()
    for job, step in steps():
        if "run" not in step:
            continue
        for line in step["run"].splitlines():
            words = shlex.split(line)
            if words[0] == "make":
                target = next(w for w in words[1:] if "=" not in w)
                assert target in targets, f"{job}: `make {target}` is not in the Makefile"
            elif words[0].startswith(".local/"):
                venv, _bin, tool = Path(words[0]).parts[1:4]
                assert f'LOCAL / "{venv}"' in installer, f"{job}: `make install` creates no {venv}"
                assert tool in {"cfn-lint", "checkov", "sam", "python", "ruff", "mypy"}, tool
            else:
                raise AssertionError(f"{job}: unexpected command {line!r} (use a make target)")
            for word in words[1:]:
                if re.fullmatch(r"[\w./-]+\.(ya?ml|py|toml|json)", word):
                    assert (REPO / word).is_file(), f"{job}: {word} does not exist"
