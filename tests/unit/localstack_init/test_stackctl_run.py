"""The launcher's command runner streams a long command's progress (the migrations of `make up`) and stops a
streamed command at its timeout."""

from __future__ import annotations

import sys

import pytest
from stackctl_common import StackError, run


def test_lines_reach_the_caller_as_they_come_and_the_output_is_kept() -> None:
    seen: list[str] = []
    proc = run([sys.executable, "-c", "print('auth: up to date'); print('ledger: 6 applied')"], on_line=seen.append)
    assert seen == ["auth: up to date", "ledger: 6 applied"]
    assert proc.returncode == 0 and proc.stdout == "auth: up to date\nledger: 6 applied\n"


def test_a_failing_streamed_command_raises_with_its_last_lines() -> None:
    seen: list[str] = []
    with pytest.raises(StackError, match=r"migrations failed \(exit 1\):\n    \| migrations failed: ledger: boom"):
        run([sys.executable, "-c", "import sys; print('migrations failed: ledger: boom'); sys.exit(1)"],
            what="migrations", on_line=seen.append)
    assert seen == ["migrations failed: ledger: boom"]


def test_a_streamed_command_past_its_timeout_is_stopped() -> None:
    with pytest.raises(StackError, match="timed out after 1"):
        run([sys.executable, "-c", "import time; print('x', flush=True); time.sleep(30)"], timeout=1,
            what="slow", on_line=lambda _line: None)

