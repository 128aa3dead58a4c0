"""Line coverage of the unit tier per package (`make test` prints it after `pytest tests/unit --cov`): a signal,
not a gate. The money and security modules named in docs/testing.md are listed on their own."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import coverage

REPO = Path(__file__).resolve().parents[1]
WATCHED = ("shared/bank_shared/idempotency.py", "functions/ledger/ledger_service/service.py",
           "functions/ledger/ledger_service/postings.py", "functions/ledger/ledger_service/holds.py",
           "functions/accounts/accounts_service/service.py", "functions/auth/auth_service/service.py")


def main(data_file: str) -> int:
    data = coverage.Coverage(data_file=data_file)
    data.load()
    per_package: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_file: dict[str, float] = {}
    for filename in data.get_data().measured_files():
        path = Path(filename)
        if path.suffix != ".py" or not path.is_relative_to(REPO) or "/tests/" in filename:
            continue
        _, statements, _, missing, _ = data.analysis2(filename)
        package = next((part for part in path.relative_to(REPO).parts if part.endswith(("_service", "bank_shared"))),
                       None)
        if package is None or not statements:
            continue
        per_package[package][0] += len(statements) - len(missing)
        per_package[package][1] += len(statements)
        per_file[str(path.relative_to(REPO))] = 100 * (len(statements) - len(missing)) / len(statements)
    print("\nunit-tier line coverage per package")
    for package, (covered, total) in sorted(per_package.items()):
        print(f"  {package:24} {100 * covered / total:5.1f}%  ({covered}/{total} lines)")
    print("money and security modules")
    for name in WATCHED:
        print(f"  {name:56} {per_file.get(name, 0.0):5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(REPO / ".local" / "coverage" / "unit.coverage")))
