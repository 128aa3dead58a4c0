"""Text search in SQL: a customer's words become one parameter of an `ILIKE … ESCAPE '\\'`, never SQL and
never a pattern of their own (`%`, `_` and `\\` match themselves). The databases are created with the C locale,
under which ILIKE folds only ASCII letters; the column is compared under the ICU root collation so that
"иван" finds "Иван" (PostgreSQL's ICU collations, present locally and on RDS)."""

from __future__ import annotations

LIKE_ESCAPE = "\\"
CASELESS_COLLATION = '"und-x-icu"'


def contains_pattern(text: str) -> str:
    """The ILIKE pattern that matches `text` anywhere, its wildcards escaped: use with ``ESCAPE '\\'``."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_clause(expression: str) -> str:
    """`expression` (SQL written by the developer, never input) contains the next parameter, case-insensitively
    in any alphabet; the parameter is `contains_pattern(text)`."""
    return f"(({expression}) COLLATE {CASELESS_COLLATION}) ILIKE %s ESCAPE '\\'"
