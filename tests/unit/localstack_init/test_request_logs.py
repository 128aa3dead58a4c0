"""`make logs REQUEST_ID=...` prints one request's lines from the HEC stand-in, in time order."""

from __future__ import annotations

from typing import Any

import pytest
import stackctl


def test_one_requests_lines_are_printed_in_time_order(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []

    def http_json(url: str, timeout: float = 2.0) -> Any:
        asked.append(url)
        return {"events": [
            {"time": 2.0, "event": {"service": "ledger", "level": "INFO", "message": "request handled",
                                    "timestamp": "2026-12-03 06:00:02", "http_status": 201}},
            {"time": 1.0, "event": {"service": "customer", "level": "ERROR", "message": "boom",
                                    "timestamp": "2026-12-03 06:00:01", "exception_name": "ValueError"}},
        ]}

    monkeypatch.setattr(stackctl, "load_config", lambda: {"HEC_PORT": "8088"})
    monkeypatch.setattr(stackctl, "http_json", http_json)
    assert stackctl.cmd_request_logs("req 1") == 0
    out = capsys.readouterr()
    assert asked == ["http://127.0.0.1:8088/__events?request_id=req+1"]
    lines = out.out.splitlines()
    assert lines[0].startswith("2026-12-03 06:00:01 customer") and "boom exception_name=ValueError" in lines[0]
    assert "ledger" in lines[1] and lines[1].endswith("request handled http_status=201")
    assert "2 lines" in out.err


def test_no_lines_or_no_stand_in_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stackctl, "load_config", lambda: {"HEC_PORT": "8088"})
    monkeypatch.setattr(stackctl, "http_json", lambda url, timeout=2.0: {"events": []})
    assert stackctl.cmd_request_logs("r") == 1
    monkeypatch.setattr(stackctl, "http_json", lambda url, timeout=2.0: None)
    assert stackctl.cmd_request_logs("r") == 1
