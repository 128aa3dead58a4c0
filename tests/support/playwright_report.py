"""Reading Playwright's JSON reporter output: which tests ran, and which did not really run.

The browser tier must fail on a test that was skipped or marked fixme (`test.skip`, `test.fixme`,
conditional or not): a skipped step that passes proves nothing (issue 11).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

NOT_RUN_ANNOTATIONS = frozenset({"skip", "fixme"})


@dataclass(frozen=True)
class Outcome:
    title: str
    status: str  # expected | unexpected | flaky | skipped
    annotations: tuple[str, ...]

    @property
    def ran(self) -> bool:
        return self.status != "skipped" and not NOT_RUN_ANNOTATIONS & set(self.annotations)


def outcomes(report: dict[str, Any]) -> list[Outcome]:
    """Every test of the report (suites nest), with its overall status and annotation types."""
    return list(_walk(report.get("suites", []), ()))


def _walk(suites: list[dict[str, Any]], path: tuple[str, ...]) -> Iterator[Outcome]:
    for suite in suites:
        here = (*path, str(suite.get("title", "")))
        for spec in suite.get("specs", []):
            for test in spec.get("tests", []):
                annotations = tuple(str(a.get("type")) for a in test.get("annotations", []))
                annotations += tuple(str(a.get("type")) for r in test.get("results", [])
                                     for a in r.get("annotations", []))
                yield Outcome(" > ".join([*filter(None, here), str(spec.get("title", ""))]),
                              str(test.get("status", "")), annotations)
        yield from _walk(suite.get("suites", []), here)


def not_run(report: dict[str, Any]) -> list[str]:
    """Titles of tests that were skipped or marked skip/fixme."""
    return [outcome.title for outcome in outcomes(report) if not outcome.ran]
