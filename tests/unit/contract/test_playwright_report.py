"""The browser tier's reading of Playwright's JSON report: a skipped or fixme'd step fails it (issue 11)."""

from __future__ import annotations

from typing import Any

from tests.support.playwright_report import not_run, outcomes


def spec(title: str, status: str, *annotations: str, in_result: bool = False) -> dict[str, Any]:
    marks = [{"type": kind, "description": "why"} for kind in annotations]
    test = {"status": status, "annotations": [] if in_result else marks,
            "results": [{"status": "skipped" if status == "skipped" else "passed",
                         "annotations": marks if in_result else []}]}
    return {"title": title, "tests": [test]}


def report(*specs: dict[str, Any]) -> dict[str, Any]:
    return {"suites": [{"title": "customer-journey.spec.ts", "specs": [specs[0]],
                        "suites": [{"title": "nested", "specs": list(specs[1:])}]}],
            "stats": {"expected": 1}}


def test_a_clean_run_has_nothing_not_run() -> None:
    clean = report(spec("sign up", "expected"), spec("transfer", "flaky"))
    assert [o.title for o in outcomes(clean)] == ["customer-journey.spec.ts > sign up",
                                                  "customer-journey.spec.ts > nested > transfer"]
    assert not_run(clean) == []


def test_fixme_and_skip_are_caught_however_they_were_marked() -> None:
    marked = report(spec("sign up", "expected"),
                    spec("transfer by number", "skipped", "fixme"),           # test.fixme(condition, ...)
                    spec("exchange", "skipped"),                               # test.skip() without a reason
                    spec("late skip", "expected", "skip", in_result=True))     # annotated at run time
    assert not_run(marked) == ["customer-journey.spec.ts > nested > transfer by number",
                               "customer-journey.spec.ts > nested > exchange",
                               "customer-journey.spec.ts > nested > late skip"]
