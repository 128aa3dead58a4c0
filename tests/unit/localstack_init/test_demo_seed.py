"""The demo seeds fail loudly when they cannot learn the demo customer (a bank without demo money must not
look seeded): the sign-in is retried until the deadline, then the seed exits 1 with one line."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from demo_seed import common


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stack = {"gateway_url": f"http://127.0.0.1:{_closed_port()}",
             "demo_users": {"customer": {"email": "demo@example.com", "password": "x"}}}
    (tmp_path / "stack.json").write_text(json.dumps(stack))
    monkeypatch.setenv("BANK_STACK_FILE", str(tmp_path / "stack.json"))
    monkeypatch.setattr(common, "RETRY_PAUSE_SECONDS", 0.01)


@pytest.mark.usefixtures("unreachable_stack")
def test_an_unreachable_gateway_is_retried_then_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []
    real = common._ask_who

    def counting(base: str, user: dict[str, str]) -> object:
        attempts.append(base)
        return real(base, user)

    ticks = iter(range(100))  # a fake clock: one second per reading, however slow the machine is
    monkeypatch.setattr(common, "_ask_who", counting)
    with pytest.raises(common.SeedError, match="did not succeed within"):
        common.demo_customer_id(deadline_seconds=3, clock=lambda: float(next(ticks)))
    assert len(attempts) == 3  # read at 0 (deadline 3), failures read 1, 2, then 3: the third gives up


@pytest.mark.usefixtures("unreachable_stack")
def test_a_failing_seed_exits_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    def seed() -> int:
        common.demo_customer_id(deadline_seconds=0)
        return 0

    assert common.run(seed, "ledger") == 1
    err = capsys.readouterr().err
    assert err.startswith("  ledger seed failed: the demo customer's sign-in") and "Traceback" not in err


def test_a_step_whose_dependency_is_not_ready_is_retried_until_it_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fresh-clone run failed here: the ledger's cold worker timed out on the accounts seed's first call
    (503), and the seed gave up at once instead of retrying its idempotent step."""
    from bank_shared.errors import DependencyUnavailable

    monkeypatch.setattr(common, "RETRY_PAUSE_SECONDS", 0.0)
    answers: list[object] = [DependencyUnavailable("ledger: unreachable"), DependencyUnavailable("again"), "opened"]

    def step() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    ticks = iter(range(100))
    assert common.until_ready(step, "opening", deadline_seconds=10, clock=lambda: float(next(ticks))) == "opened"
    assert answers == []


def test_a_step_still_not_ready_at_the_deadline_fails_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    from bank_shared.errors import DependencyUnavailable, Unprocessable

    monkeypatch.setattr(common, "RETRY_PAUSE_SECONDS", 0.0)
    ticks = iter(range(100))

    def never_ready() -> None:
        raise DependencyUnavailable("ledger: unreachable")

    with pytest.raises(common.SeedError, match="opening did not succeed within 3s"):
        common.until_ready(never_ready, "opening", deadline_seconds=3, clock=lambda: float(next(ticks)))

    def refused() -> None:  # a refusal is not "not ready": no retry
        raise Unprocessable("no")

    with pytest.raises(Unprocessable):
        common.until_ready(refused, "opening", deadline_seconds=3, clock=lambda: float(next(ticks)))
