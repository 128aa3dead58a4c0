"""Demo data for `make up`: runs `demo_seed/<service>.py` for each service that has one, in dependency order,
in a process of its own with that function's environment (as the emulator would give it) and the function's
code on the path. The seeds live here, not in the services' packages: nothing in a deployed artifact reads
the local stack's files.

Every seed module is idempotent and prints what it created or found; the launcher prints the credentials.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_ORDER = ("auth", "accounts", "ledger", "fx", "customer", "office", "notifications")


def function_environment(env_vars: dict[str, dict[str, str]], service: str) -> dict[str, str]:
    block = env_vars.get(f"{service.capitalize()}Function", {})
    return {**os.environ, **block, "POWERTOOLS_SERVICE_NAME": service,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "functions" / service), str(REPO_ROOT / "shared"),
                                            str(REPO_ROOT / "localstack")])}


def has_seed(service: str) -> bool:
    return (REPO_ROOT / "localstack" / "demo_seed" / f"{service}.py").exists()


def main() -> int:
    env_file = REPO_ROOT / ".local" / "env.json"
    env_vars = json.loads(env_file.read_text()) if env_file.exists() else {}
    for service in SEED_ORDER:
        if not has_seed(service):
            continue
        print(f"seed {service}", flush=True)
        completed = subprocess.run([sys.executable, "-m", f"demo_seed.{service}"],
                                   env=function_environment(env_vars, service), cwd=REPO_ROOT, check=False)
        if completed.returncode != 0:
            print(f"seed {service} failed with exit code {completed.returncode}", file=sys.stderr)
            return completed.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main() if importlib.util.find_spec("bank_shared") else 0)
