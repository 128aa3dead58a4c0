"""How much of the deployed code repeats itself, now against a baseline (`make duplicates`).

Runs the duplicate finder `duplicates` (a tool of the development machines: `duplicates --help`) over
`functions/` of the working tree and of a baseline commit, and sorts every pair it lists into one of three kinds:

- migration:   one side is an applied, versioned SQL migration (`migrations/NNNN_*.sql`). Those files are never
               edited once applied (docs/migrations.md), so a pair with one cannot be removed;
- declaration: both sides hold only declarations: class headers, `@dataclass`, fields (`name: Type = default`),
               error codes and titles (`code, title = ...`), docstrings. Two unrelated models with six fields of
               the same shape are not one piece of logic written twice;
- logic:       everything else: code that runs, which the code-health rule says must exist once.

The finder reads names, strings and numbers as placeholders ("the same shape"), so the declaration rule matters.
It prints the counts per kind, baseline and now; the pairs of the logic kind are listed for reading.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# main just before the code-health issue's work began (the commit before "docs/: the product's own design docs").
BASELINE = "35ba9d6"
FINDER = ("duplicates", "--seconds", "300", "--most", "200")
KINDS = ("logic", "declaration", "migration")

_PAIR = re.compile(r"^D\d+ (?P<a>\S+):(?P<a1>\d+)-(?P<a2>\d+) ~ (?P<b>\S+):(?P<b1>\d+)-(?P<b2>\d+)")
_VERSIONED_MIGRATION = re.compile(r"(^|/)migrations/\d{4}_[^/]*\.sql$")
_DECLARATION_LINES = tuple(re.compile(pattern) for pattern in (
    r"^\s*$",                                                  # blank
    r"^\s*#",                                                  # comment
    r"^\s*[)\]}],?\s*$",                                       # a closing bracket alone
    r"^\s*@dataclass\b",                                       # the dataclass decorator
    r"^\s*class \w+(\([^)]*\))?:\s*(\.\.\.)?$",                # a class header
    r"^\s*(code, title|code|title|status)\s*=\s*[\"'\d]",      # an error's code, title or status
    r"^\s*[A-Za-z_]\w*\s*:\s*[^=()]+(=\s*[^()]*|=\s*(None|Field\(.*\)|field\(.*\)))?\s*$",  # a field
    r"^\s*(\"\"\"|''')",                                       # a docstring
    r"^\s*model_config\s*=",                                   # pydantic configuration
    r"^\s*(pass|\.\.\.)\s*$",
))


@dataclass(frozen=True)
class Pair:
    row: str
    kind: str


def side_is_declarations(lines: list[str]) -> bool:
    return all(any(pattern.match(line) for pattern in _DECLARATION_LINES) for line in lines)


def classify(report: str, root: Path) -> list[Pair]:
    """The finder's pairs, each with its kind; `root` is the folder the finder was run on."""
    pairs = []
    for row in report.splitlines():
        match = _PAIR.match(row)
        if match is None:
            continue
        sides = ((match["a"], int(match["a1"]), int(match["a2"])), (match["b"], int(match["b1"]), int(match["b2"])))
        if any(_VERSIONED_MIGRATION.search(path) for path, _, _ in sides):
            kind = "migration"
        elif all(side_is_declarations((root / path).read_text().splitlines()[first - 1:last])
                 for path, first, last in sides):
            kind = "declaration"
        else:
            kind = "logic"
        pairs.append(Pair(row, kind))
    return pairs


def run_finder(functions: Path) -> str:
    result = subprocess.run([*FINDER, "--repo", str(functions)], cwd=functions, capture_output=True, text=True,
                            check=True)
    return result.stdout


def baseline_functions(revision: str, into: Path) -> Path:
    """`functions/` as it was at `revision`, unpacked from git (the working tree is left alone)."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "functions"], cwd=REPO,
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "functions"


def counts(pairs: list[Pair]) -> Counter[str]:
    return Counter(pair.kind for pair in pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    args = parser.parse_args(argv)
    if shutil.which(FINDER[0]) is None:
        print("duplicate_report: the `duplicates` tool is not on this machine's PATH", file=sys.stderr)
        return 2
    print(f"reading functions/ at {args.baseline} and in the working tree ...", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        before = classify(run_finder(baseline_functions(args.baseline, Path(scratch))), Path(scratch) / "functions")
    now = classify(run_finder(REPO / "functions"), REPO / "functions")
    then_counts, now_counts = counts(before), counts(now)
    print(f"{'kind':12} {'baseline':>8} {'now':>8}")
    for kind in (*KINDS, "all"):
        was = sum(then_counts.values()) if kind == "all" else then_counts[kind]
        is_ = sum(now_counts.values()) if kind == "all" else now_counts[kind]
        print(f"{kind:12} {was:8} {is_:8}")
    print("\nlogic pairs now:")
    for pair in now:
        if pair.kind == "logic":
            print(f"  {pair.row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
