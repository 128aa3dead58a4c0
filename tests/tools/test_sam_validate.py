"""`sam validate --lint` over the template, with the SAM CLI from its own venv (`make install`)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.support.cfn import REPO


def test_sam_validate_lint_passes() -> None:
    sam = REPO / ".local" / "venv-sam" / "bin" / "sam"
    if not sam.exists():
        pytest.fail("the SAM CLI venv is missing: `make install` creates .local/venv-sam")
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "eu-central-1"}
    result = subprocess.run([str(sam), "validate", "--lint", "--template", str(REPO / "template.yaml")],
                            capture_output=True, text=True, check=False, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
