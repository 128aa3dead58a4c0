"""`make duplicates` sorts the duplicate finder's pairs into logic, declarations and applied migrations: a pair
counts as declarations only when both sides declare and nothing runs, and any pair with an applied migration is
history that cannot be edited."""

from __future__ import annotations

from pathlib import Path

from duplicate_report import classify, counts

ERRORS = '''
class CardNotFound(NotFound):
    code, title = "card_not_found", "Card not found"


@dataclass(frozen=True)
class TopupRequest:
    owner_id: UUID
    amount: str = ""
    currency: str | None = None
'''

LOGIC = '''
def pay(uow, order):
    with uow:
        row = uow.repo.find(order.id)
        if row is None:
            raise NotFound("no")
        return row
'''


def _tree(tmp_path: Path) -> Path:
    for name, text in {"a/errors.py": ERRORS, "b/models.py": ERRORS, "a/use.py": LOGIC,
                       "a/migrations/0003_x.sql": LOGIC, "a/migrations/functions/f.sql": LOGIC}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_each_pair_is_sorted_by_what_both_sides_hold(tmp_path: Path) -> None:
    report = "\n".join([
        "3 pairs of places (5 files read), each sharing runs ...",
        "D1 a/errors.py:2-10 ~ b/models.py:2-10 shape",
        "D2 a/errors.py:2-8 ~ a/use.py:2-7 shape",
        "D3 a/migrations/0003_x.sql:2-7 ~ a/migrations/functions/f.sql:2-7",
        "D4 a/use.py:2-7 ~ a/migrations/functions/f.sql:2-7",
        "left out: 3 runs of 6 lines that stand in more than 8 places each (too common to list)",
    ])

    pairs = classify(report, _tree(tmp_path))

    assert [pair.kind for pair in pairs] == ["declaration", "logic", "migration", "logic"]
    assert counts(pairs) == {"declaration": 1, "logic": 2, "migration": 1}
