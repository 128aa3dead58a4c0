"""`make up` restarts a running piece whose configuration changed (the gateway hands every worker the
environment it read at start: new functions' settings need a new gateway) and leaves it alone otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import stackctl_up
from stackctl_pieces import Piece


@pytest.fixture
def launcher(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[stackctl_up.Up, dict[str, Any], list[str]]:
    world: dict[str, Any] = {"config": "v1", "running": 41}
    actions: list[str] = []
    monkeypatch.setattr(stackctl_up, "RUN_STAMPS", tmp_path)
    monkeypatch.setattr(stackctl_up, "running_pid", lambda name, token: world["running"])

    def stop(name: str, token: str) -> str:
        actions.append(f"stop {name}")
        world["running"] = None
        return "stopped"

    def spawn(name: str, cmd: list[str], *, env: dict[str, str], cwd: Path) -> int:
        actions.append(f"spawn {name}")
        world["running"] = 42
        return 42

    monkeypatch.setattr(stackctl_up, "stop_process", stop)
    monkeypatch.setattr(stackctl_up, "spawn", spawn)
    up = stackctl_up.Up.__new__(stackctl_up.Up)
    up.progress, up.cfg, up.state, up.pids, up.launched = stackctl_up.Progress(True), {"GATEWAY_PORT": "1"}, {}, {}, {}
    monkeypatch.setattr(up, "ensure_port_free", lambda name, key: None)
    return up, world, actions


def piece(world: dict[str, Any]) -> Piece:
    return Piece("gateway", "local_gateway", "GATEWAY_PORT", 1, lambda cfg: (["gw"], {}, Path()), lambda cfg: True,
                 lambda: None, lambda cfg: "", lambda: str(world["config"]))


def test_a_running_piece_is_restarted_once_when_its_configuration_changes(
        launcher: tuple[stackctl_up.Up, dict[str, Any], list[str]]) -> None:
    up, world, actions = launcher
    gateway = piece(world)
    up.launch(gateway)  # started before configurations were stamped: restarted once, then stamped
    assert actions == ["stop gateway", "spawn gateway"]
    up.launch(gateway)
    assert actions == ["stop gateway", "spawn gateway"]  # same configuration: left running
    assert up.state["gateway"] == "running"
    world["config"] = "v2"  # e.g. env.json now names LAMBDA_ENDPOINT_URL
    up.launch(gateway)
    assert actions == ["stop gateway", "spawn gateway"] * 2 and up.state["gateway"] == "starting"
