"""Fault injection: POST /__control switches the stand-in between ok, error and slow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from frankfurter_standin.server import FaultState

Fetch = Callable[..., tuple[int, Any]]


def test_error_mode_returns_5xx_but_health_stays_up(fetch: Fetch) -> None:
    status, state = fetch("/__control", {"mode": "error"})
    assert status == 200
    assert state["mode"] == "error"
    assert fetch("/latest") == (503, {"message": "service unavailable"})
    assert fetch("/health")[0] == 200
    fetch("/__control", {"mode": "error", "error_status": 500})
    assert fetch("/v1/currencies")[0] == 500
    fetch("/__control", {"mode": "ok"})
    assert fetch("/latest")[0] == 200


def test_slow_mode_delays_answers(fetch: Fetch, monkeypatch: pytest.MonkeyPatch) -> None:
    """The delay the stand-in sleeps is recorded, not timed: rates wait delay_ms, health never waits."""
    slept: list[float] = []
    monkeypatch.setattr("frankfurter_standin.server.time.sleep", slept.append)
    fetch("/__control", {"mode": "slow", "delay_ms": 300})
    status, _ = fetch("/latest?symbols=USD")
    assert status == 200 and slept == [0.3]
    assert fetch("/health")[0] == 200 and slept == [0.3]


def test_slow_mode_without_delay_uses_default(fetch: Fetch) -> None:
    _, state = fetch("/__control", {"mode": "slow"})
    assert state["delay_ms"] == 2000


def test_ok_resets_state_and_get_control_reports_it(fetch: Fetch) -> None:
    fetch("/__control", {"mode": "slow", "delay_ms": 50, "fail_rate": 0.5})
    fetch("/__control", {"mode": "ok"})
    status, state = fetch("/__control")
    assert status == 200
    assert state == {"mode": "ok", "fail_rate": 0.0, "delay_ms": 0, "error_status": 503}


def test_fail_rate_one_always_fails(fetch: Fetch) -> None:
    fetch("/__control", {"fail_rate": 1})
    assert fetch("/latest")[0] == 503


@pytest.mark.parametrize(
    "body",
    [
        {"mode": "broken"},
        {"delay_ms": -1},
        {"fail_rate": 2},
        {"error_status": 404},
        {"x": 1},
    ],
)
def test_bad_control_requests_are_rejected(fetch: Fetch, body: dict[str, object]) -> None:
    status, answer = fetch("/__control", body)
    assert status == 400
    assert "message" in answer


def test_fault_state_start_up_values_survive_reset() -> None:
    faults = FaultState(fail_rate=0.25, delay_ms=10)
    faults.update({"mode": "error"})
    faults.update({"mode": "ok"})
    assert faults.snapshot() == {
        "mode": "ok",
        "fail_rate": 0.25,
        "delay_ms": 10,
        "error_status": 503,
    }
