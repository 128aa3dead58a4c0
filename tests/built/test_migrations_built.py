"""The migrations as the deploy's migration function runs them: from `sam build` output alone (the function's
package and the layer, in a `-I -S` interpreter, nothing of the project venv), `upgrade_head` finds the
service's revisions, SQL and function files through its package, imports Alembic and SQLAlchemy from the
layer, and migrates a scratch database of the stack's PostgreSQL to head."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import buildctl
from bank_shared.migrations import history
from bank_shared.migrations.plan import heads_of
from tests.built.isolated import ISOLATION
from tests.support.scratch_db import Scratch

RUN = """
import json, sys
sys.path[:0] = sys.argv[1:3]
from bank_shared.migrations import current, upgrade_head
import alembic, ledger_service, sqlalchemy
applied = upgrade_head("ledger", sys.argv[3])
print(json.dumps({"applied": applied, "again": upgrade_head("ledger", sys.argv[3]),
                  "head": list(current("ledger", sys.argv[3]).revisions),
                  "origins": [m.__file__ for m in (alembic, sqlalchemy, ledger_service)]}))
"""


def test_the_built_ledger_function_and_layer_migrate_a_database(
        host_build: buildctl.Build, runtime_python: Path, scratch: Callable[[], Scratch]) -> None:
    db = scratch()
    function_dir, layer_dir = host_build.function_dir("LedgerFunction"), host_build.layer_dir
    out = subprocess.run([str(runtime_python), *ISOLATION, "-c", RUN, str(function_dir), str(layer_dir), db.url],
                         env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, cwd=function_dir, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    answer = json.loads(out.stdout)
    revisions = [a for a in answer["applied"] if not a.startswith("functions/")]
    source = history("ledger")  # what the source tree declares, base first
    assert revisions[0] == "shared_0001" and sorted(revisions) == sorted(r.revision for r in source)
    assert len(answer["applied"]) - len(revisions) == len(list((function_dir / "ledger_service" / "migrations"
                                                                / "functions").glob("*.sql"))) == 11
    assert answer["again"] == [] and sorted(answer["head"]) == sorted(heads_of(source, set(revisions)))
    alembic_file, sqlalchemy_file, ledger_file = answer["origins"]
    assert alembic_file.startswith(str(layer_dir)) and sqlalchemy_file.startswith(str(layer_dir))
    assert ledger_file.startswith(str(function_dir))
