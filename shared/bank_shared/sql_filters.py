"""One way to build a list query: optional conditions joined by AND into a parameterised `WHERE`, the keyset
position of a page (`(created_at, id) < (%s, %s)`), and `ORDER BY … LIMIT %s` — composed with `psycopg.sql`.

Values only ever travel as parameters; column names become quoted identifiers (`p.created_at` is
`"p"."created_at"`); a fixed fragment (`where`) must be a literal in the code, never text from a request.

    query = (Filter().equals("owner_id", owner_id).equals("currency", currency)
             .after(("created_at", "id"), after))
    rows = connection.execute(*query.page("SELECT … FROM accounts", ("created_at", "id"), limit)).fetchall()

psycopg is imported when a query is composed, not when this module is (cold starts load it on first query).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, LiteralString

if TYPE_CHECKING:
    from psycopg import sql


CASELESS_COLLATION: LiteralString = '"und-x-icu"'


def like_pattern(text: str) -> str:
    """`text` as a LIKE/ILIKE pattern matching it anywhere, its `\\`, `%` and `_` standing for themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _identifier(column: str) -> sql.Identifier:
    from psycopg import sql

    return sql.Identifier(*column.split("."))


class Filter:
    """Conditions that all must hold. Each adder skips a condition whose value is None (or an empty list), so
    optional request filters chain without `if`s; `where` adds a fixed fragment with its own `%s` parameters."""

    def __init__(self) -> None:
        self._parts: list[sql.Composable] = []
        self.params: list[Any] = []

    def _add(self, part: sql.Composable, *params: Any) -> Filter:
        self._parts.append(part)
        self.params.extend(params)
        return self

    def _compare(self, column: str, operator: LiteralString, value: Any) -> Filter:
        if value is None:
            return self
        from psycopg import sql

        return self._add(sql.SQL("{} " + operator + " %s").format(_identifier(column)), value)

    def equals(self, column: str, value: Any) -> Filter:
        return self._compare(column, "=", value)

    def since(self, column: str, value: Any) -> Filter:
        """`column >= value` (a range's inclusive start)."""
        return self._compare(column, ">=", value)

    def until(self, column: str, value: Any) -> Filter:
        """`column < value` (a range's exclusive end)."""
        return self._compare(column, "<", value)

    def any_of(self, column: str, values: Sequence[Any] | None) -> Filter:
        """`column = ANY(values)`; skipped when no values are given."""
        if not values:
            return self
        from psycopg import sql

        return self._add(sql.SQL("{} = ANY(%s)").format(_identifier(column)), list(values))

    def search(self, expressions: Sequence[LiteralString], text: str | None) -> Filter:
        """`text` found anywhere in any of `expressions` (SQL written in the code: columns or e.g. a JSON path),
        case-insensitively in any alphabet, its `%`, `_`, `\\` taken literally. The databases use the C locale,
        under which ILIKE folds only ASCII letters, so each expression is compared under the ICU root collation
        ("иван" finds "Иван"; PostgreSQL's ICU collations are present locally and on RDS)."""
        if not text:
            return self
        from psycopg import sql

        pattern = like_pattern(text)
        alternatives = [sql.SQL("((" + expression + ") COLLATE " + CASELESS_COLLATION + ") ILIKE %s ESCAPE '\\'")
                        for expression in expressions]
        return self._add(sql.SQL("({})").format(sql.SQL(" OR ").join(alternatives)), *[pattern] * len(expressions))

    def where(self, fragment: LiteralString, *params: Any) -> Filter:
        """A fixed SQL fragment (a literal in the code) with its `%s` parameters, e.g. `read_at IS NULL`."""
        from psycopg import sql

        return self._add(sql.SQL(fragment), *params)

    def either(self, *alternatives: Filter) -> Filter:
        """At least one of the alternatives holds (each alternative's own conditions AND-ed); skipped when
        every alternative is empty."""
        from psycopg import sql

        given = [alternative for alternative in alternatives if alternative._parts]
        if not given:
            return self
        joined = sql.SQL(" OR ").join(sql.SQL("({})").format(alternative._condition()) for alternative in given)
        return self._add(sql.SQL("({})").format(joined), *[p for alternative in given for p in alternative.params])

    def after(self, columns: Sequence[str], position: Sequence[Any] | None, *, descending: bool = True) -> Filter:
        """The keyset position: rows strictly past `position` (the sort key of the previous page's last row) in
        the order `columns` sort by — `(a, b) < (%s, %s)` newest first, `>` oldest first."""
        if position is None:
            return self
        from psycopg import sql

        if len(position) != len(columns):
            raise ValueError("a keyset position has one value per sort column")
        template = "({}) < ({})" if descending else "({}) > ({})"
        return self._add(sql.SQL(template).format(
            sql.SQL(", ").join(_identifier(column) for column in columns),
            sql.SQL(", ").join(sql.Placeholder() for _ in columns)), *position)

    def _condition(self) -> sql.Composable:
        from psycopg import sql

        return sql.SQL(" AND ").join(self._parts) if self._parts else sql.SQL("TRUE")

    def clause(self) -> sql.Composable:
        """` WHERE a AND b` (with its leading space), or nothing when no condition was added."""
        from psycopg import sql

        return sql.SQL(" WHERE {}").format(self._condition()) if self._parts else sql.SQL("")

    def query(self, select: LiteralString, suffix: LiteralString = "") -> tuple[sql.Composed, list[Any]]:
        """`select` with this filter's WHERE and a fixed `suffix` (e.g. ` FOR UPDATE`), and its parameters."""
        from psycopg import sql

        return sql.SQL("{}{}{}").format(sql.SQL(select), self.clause(), sql.SQL(suffix)), list(self.params)

    def page(self, select: LiteralString, order_by: Sequence[str], limit: int, *,
             descending: bool = True) -> tuple[sql.Composed, list[Any]]:
        """`select` with this filter's WHERE, `ORDER BY` the keyset columns (all descending, or all ascending)
        and `LIMIT %s`; `limit` is the number of rows to fetch — a page's size plus one tells whether more
        follow. Returns the query and its parameters, ready for `connection.execute(*...)`."""
        from psycopg import sql

        direction = sql.SQL(" DESC" if descending else "")
        ordering = sql.SQL(", ").join(sql.SQL("{}{}").format(_identifier(column), direction) for column in order_by)
        query = sql.SQL("{}{} ORDER BY {} LIMIT %s").format(sql.SQL(select), self.clause(), ordering)
        return query, [*self.params, limit]
