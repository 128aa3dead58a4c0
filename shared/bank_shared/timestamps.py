"""How the API writes a moment: RFC 3339 in UTC with `Z`, no fraction when it is zero
(`2026-12-03T18:30:00.123456Z`) — the same text as the ledger's SQL `ledger_format_timestamp`."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utc_text_or_none(value: datetime | None) -> str | None:
    return None if value is None else utc_text(value)
