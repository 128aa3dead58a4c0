"""Browser end-to-end tests of the SPA (issue 6), run by `make test`.

Runs `npm run e2e` (Playwright with Debian's chromium) in `frontend/` against the running stack and fails
when it fails. Nothing is skipped silently: a missing prerequisite (node, chromium, the gateway) is a
failure with the reason, not a skip, and so is a Playwright test that was skipped or marked fixme: the run
writes Playwright's JSON report, which this test reads (tests/support/playwright_report.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.playwright_report import not_run, outcomes
from tests.support.stack import gateway_url, stack

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REPORT = FRONTEND / "test-results" / "report.json"


def _run(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    """The Playwright run talks to this stack's ports (they are configurable), not to the defaults."""
    env = {**os.environ, "CI": "1", "E2E_BASE_URL": gateway_url(),
           "E2E_SES_URL": f"{stack()['localstack_url']}/_aws/ses", "PLAYWRIGHT_JSON_OUTPUT_FILE": str(REPORT)}
    return subprocess.run(list(args), cwd=FRONTEND, capture_output=True, text=True, timeout=timeout, env=env)


# The whole Playwright suite runs in this one test: its own limit (the npm run below), not the 300 s per test.
@pytest.mark.timeout(1300)
def test_browser_journey() -> None:
    npm = shutil.which("npm")
    assert npm, "npm is not installed: the browser tests need node and npm"
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `apt-get install -y chromium`"
    if not (FRONTEND / "node_modules" / "@playwright" / "test").is_dir():
        installed = _run(npm, "ci", "--no-audit", "--no-fund", timeout=900)
        assert installed.returncode == 0, installed.stdout[-4000:] + installed.stderr[-4000:]
    page = httpx.get(f"{gateway_url()}/banking-service/", timeout=10).text
    assert "SPA not built" not in page, "frontend/out is missing: `npm run build` in frontend/ (make up does it)"

    REPORT.unlink(missing_ok=True)
    result = _run(npm, "run", "e2e", "--", "--reporter=list,json", timeout=1200)
    print(result.stdout[-20000:])
    assert result.returncode == 0, (
        f"npm run e2e failed (exit {result.returncode}):\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
    )
    assert REPORT.is_file(), f"Playwright wrote no JSON report to {REPORT}"
    report = json.loads(REPORT.read_text())
    assert outcomes(report), "Playwright ran no tests"
    skipped = not_run(report)
    assert not skipped, f"browser steps skipped or marked fixme (they prove nothing): {skipped}"
