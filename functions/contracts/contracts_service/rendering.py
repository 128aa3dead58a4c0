"""Template bodies: `{{placeholder}}` names, and rendering with the contract's values (no HTTP, no SQL)."""

from __future__ import annotations

import hashlib
import re

PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")
# Anything that looks like a placeholder but is not a well-formed one (a typo in a template).
_BRACES = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# Filled in by the service itself; callers cannot override them.
AUTOMATIC = frozenset({"contract_number", "contract_date", "customer_id"})


def placeholders(body: str) -> list[str]:
    """The placeholder names in `body`, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(body):
        seen.setdefault(match.group(1), None)
    return list(seen)


def malformed_placeholders(body: str) -> list[str]:
    return [m.group(0) for m in _BRACES.finditer(body) if not PLACEHOLDER.fullmatch(m.group(0))]


def missing_values(body: str, values: dict[str, str]) -> list[str]:
    return [name for name in placeholders(body) if not values.get(name, "").strip()]


def render(body: str, values: dict[str, str]) -> str:
    """Substitute every placeholder; the caller has checked that none is missing."""
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], body)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
