"""Text search in SQL: a customer's words become one parameter of an `ILIKE … ESCAPE '\\'`, never SQL and
never a pattern of their own (`%`, `_` and `\\` match themselves)."""

from __future__ import annotations

LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """The ILIKE pattern that matches `text` anywhere, its wildcards escaped: use with ``ESCAPE '\\'``."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
