"""What a cold start imports: every handler, imported in a fresh interpreter as Lambda imports it, loads none
of the libraries the bank defers to first use (timing lives in `make bench-coldstart`; this is the rule)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.services import SERVICES

REPO = Path(__file__).resolve().parents[3]
BASELINE_DIR = REPO / "tests" / "benchmarks" / "baseline"
# Each costs tens of milliseconds or more and is needed by some requests only (psycopg: by the first query).
# Powertools imports the bare `botocore` package itself (its user agent), so botocore counts from its client.
# Alembic and SQLAlchemy serve migrations only (bank_shared.migrations imports its runner when one runs):
# no handler ever needs them, so no snapshot holds them either.
MIGRATIONS_ONLY = ("alembic", "sqlalchemy", "bank_shared.migrations.runner")
DEFERRED = ("psycopg", "httpx", "boto3", "botocore.client", "confluent_kafka", "aws_msk_iam_sasl_signer", "redis",
            "jwt", "cryptography", "argon2", "pyotp", "requests", *MIGRATIONS_ONLY)

PROBE = """
import importlib, json, sys
for module in sys.argv[1:]:
    importlib.import_module(module)
print(json.dumps(sorted(sys.modules)))
"""


def imported_modules(modules: list[str], *, xray: bool) -> set[str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED"}}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "shared"), str(BASELINE_DIR),
                                         *(str(REPO / "functions" / s) for s in SERVICES)])
    if xray:  # what Powertools sees in Lambda with `Tracing: Active`
        env.update(LAMBDA_TASK_ROOT=str(REPO / "functions" / "auth"), AWS_LAMBDA_FUNCTION_NAME="auth")
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    result = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, env=env,
                            cwd=REPO, check=False, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_as_in_lambda_no_handler_imports_a_deferred_library() -> None:
    """With active tracing, a stock Tracer() would patch, and so import, every library X-Ray can trace."""
    loaded = imported_modules([f"{s}_service.handler" for s in SERVICES], xray=True) & set(DEFERRED)
    assert not loaded, f"imported at cold start: {sorted(loaded)}"


def test_with_tracing_off_no_handler_imports_a_deferred_library_the_bare_handler_does_not() -> None:
    """Off Lambda, X-Ray's default sampler pulls botocore's client in for the bare handler too."""
    bare = imported_modules(["baseline_handler"], xray=False)
    loaded = (imported_modules([f"{s}_service.handler" for s in SERVICES], xray=False) - bare) & set(DEFERRED)
    assert not loaded, f"imported at cold start: {sorted(loaded)}"


SNAPSHOT_PROBE = """
import importlib, json, sys
import snapshot_restore_py
importlib.import_module(sys.argv[1])
for func, args, kwargs in reversed(snapshot_restore_py.get_before_snapshot()):  # as the runtime does
    func(*args, **kwargs)
print(json.dumps(sorted(sys.modules)))
"""


def test_with_snapstart_the_snapshot_holds_every_library_deferred_off_the_cold_path() -> None:
    """auth defers the most (tokens, keys, passwords, TOTP): after its before-snapshot hook nothing is left
    for a restored environment to import."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(POWERTOOLS_TRACE_DISABLED="true",
               PYTHONPATH=os.pathsep.join([str(REPO / "shared"), str(REPO / "functions" / "auth")]))
    result = subprocess.run([sys.executable, "-c", SNAPSHOT_PROBE, "auth_service.handler"], capture_output=True,
                            text=True, env=env, cwd=REPO, check=False, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    # requests: never used; jwt: auth assembles its tokens itself and signs them in KMS (auth_service.keys)
    never_used = {"requests", "jwt", *MIGRATIONS_ONLY}
    missing = set(DEFERRED) - never_used - set(json.loads(result.stdout.splitlines()[-1]))
    assert not missing, f"left for the first request after a restore: {sorted(missing)}"
