"""The SPA's own checks (tools tier): its typed API client matches api_spec/, and its component tests
pass (Vitest). node_modules comes from `make install`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"


def npm(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("npm")
    assert executable, "npm is missing"
    assert (FRONTEND / "node_modules").is_dir(), "frontend/node_modules is missing: run `make install`"
    return subprocess.run([executable, *args], cwd=FRONTEND, capture_output=True, text=True, timeout=600,
                          check=False)


def test_generated_api_client_matches_the_openapi_specs() -> None:
    result = npm("run", "check:api")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_component_tests_pass() -> None:
    result = npm("test")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-4000:]
