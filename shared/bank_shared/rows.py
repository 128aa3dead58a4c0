"""Typed rows: a repository turns the mapping psycopg gives (`dict_row`) into a frozen dataclass of its own, so the
use cases read attributes that mypy checks instead of `row["key"]`.

Only the dataclass's fields are read: a `SELECT *` row may carry columns a later migration added, and a field
with a default (a column some queries leave out) keeps its default when the row lacks it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, ClassVar, Protocol, TypeVar


class _Dataclass(Protocol):
    """Any dataclass (what typeshed calls DataclassInstance)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


T = TypeVar("T", bound=_Dataclass)


def row_as(kind: type[T], row: Mapping[str, Any]) -> T:
    """`row` as a `kind`; a column the dataclass does not name is ignored."""
    return kind(**{field.name: row[field.name] for field in fields(kind) if field.name in row})


def row_or_none(kind: type[T], row: Mapping[str, Any] | None) -> T | None:
    """`row_as` for a query that may find nothing."""
    return None if row is None else row_as(kind, row)


def rows_as(kind: type[T], rows: Iterable[Mapping[str, Any]]) -> list[T]:
    return [row_as(kind, row) for row in rows]
