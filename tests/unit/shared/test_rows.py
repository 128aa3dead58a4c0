"""Typed rows: the dataclass's own fields are read from a query's mapping, nothing else."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from bank_shared.rows import row_as, row_or_none, rows_as


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    note: str | None = None


def test_extra_columns_are_ignored_and_a_missing_defaulted_field_keeps_its_default() -> None:
    item = row_as(Item, {"id": 1, "name": "a", "added_by_a_later_migration": True})
    assert item == Item(1, "a")
    with pytest.raises(FrozenInstanceError):
        item.name = "b"  # type: ignore[misc]


def test_a_missing_required_column_is_an_error_not_a_silent_default() -> None:
    with pytest.raises(TypeError):
        row_as(Item, {"id": 1})


def test_none_and_lists() -> None:
    assert row_or_none(Item, None) is None
    assert row_or_none(Item, {"id": 2, "name": "b", "note": "n"}) == Item(2, "b", "n")
    assert rows_as(Item, [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]) == [Item(1, "a"), Item(2, "b")]
