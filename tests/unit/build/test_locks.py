"""The Python locks are current (offline): `lockctl.py --check` finds no stale lock, no pin without hashes, no
input its pin does not satisfy, no package pinned two ways, and no import an artifact would not ship."""

from __future__ import annotations

import subprocess
import sys

from tests.support.cfn import REPO


def test_every_lock_is_current_and_every_artifact_ships_what_its_code_imports() -> None:
    result = subprocess.run([sys.executable, str(REPO / "localstack" / "lockctl.py"), "--check"], cwd=REPO,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
