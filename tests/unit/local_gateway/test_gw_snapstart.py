"""SnapStart in the local gateway: a function whose template applies SnapStart starts as a restored Lambda
environment does, its worker running the runtime hooks (before-snapshot, then after-restore) before it is
ready; other functions start on demand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from local_gateway.template import load_model
from local_gateway.workers import WORKER_SCRIPT, lambda_environment

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: local}
Conditions:
  InAws: !Not [!Equals [!Ref Stage, local]]
Globals:
  Function:
    Runtime: python3.12
    SnapStart: {ApplyOn: PublishedVersions}
Resources:
  Snapped:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: fn/, Handler: demo.handler}
  OnlyInAws:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: fn/
      Handler: demo.handler
      SnapStart: !If [InAws, {ApplyOn: PublishedVersions}, {ApplyOn: None}]
"""

HANDLER = '''
import os
from snapshot_restore_py import register_after_restore, register_before_snapshot

LOG = os.environ["HOOK_LOG"]

def note(what):
    with open(LOG, "a") as log:
        log.write(what + "\\n")

register_before_snapshot(note, "before-1")
register_before_snapshot(note, "before-2")
register_after_restore(note, "after-1")
register_after_restore(note, "after-2")

def handler(event, context):
    return {"ok": True}
'''


def test_the_template_decides_which_functions_start_from_a_snapshot(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    model = load_model(tmp_path / "template.yaml", None, tmp_path, "eu-central-1")
    snapped, on_demand = model.functions["Snapped"], model.functions["OnlyInAws"]
    assert (snapped.snap_start, on_demand.snap_start) == (True, False)
    assert lambda_environment(snapped, {})["AWS_LAMBDA_INITIALIZATION_TYPE"] == "snap-start"
    assert lambda_environment(on_demand, {})["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"


def start_worker(tmp_path: Path, initialization: str) -> tuple[dict[str, object], list[str]]:
    (tmp_path / "demo.py").write_text(HANDLER)
    log = tmp_path / "hooks.log"
    env = {**os.environ, "_HANDLER": "demo.handler", "LAMBDA_TASK_ROOT": str(tmp_path), "HOOK_LOG": str(log),
           "AWS_LAMBDA_INITIALIZATION_TYPE": initialization}
    env.pop("PYTHONPATH", None)
    worker = subprocess.run([sys.executable, "-u", str(WORKER_SCRIPT)], input=b"", capture_output=True, env=env,
                            cwd=tmp_path, timeout=60, check=False)
    ready = json.loads(worker.stdout.decode().splitlines()[0])
    return ready, log.read_text().splitlines() if log.exists() else []


def test_a_snapstart_worker_runs_the_hooks_in_the_runtimes_order_before_it_is_ready(tmp_path: Path) -> None:
    ready, hooks = start_worker(tmp_path, "snap-start")
    assert ready["ready"] is True and isinstance(ready["snapstart_ms"], float)
    assert hooks == ["before-2", "before-1", "after-1", "after-2"]


def test_an_on_demand_worker_runs_no_hooks(tmp_path: Path) -> None:
    ready, hooks = start_worker(tmp_path, "on-demand")
    assert ready["ready"] is True and ready["snapstart_ms"] is None
    assert hooks == []
