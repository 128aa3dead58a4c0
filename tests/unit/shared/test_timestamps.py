"""bank_shared.timestamps: the one way the API writes a moment (RFC 3339, UTC, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bank_shared.timestamps import utc_text, utc_text_or_none


def test_a_moment_is_written_in_utc_with_z() -> None:
    moscow = timezone(timedelta(hours=3))
    assert utc_text(datetime(2026, 12, 3, 21, 30, 5, 120000, tzinfo=moscow)) == "2026-12-03T18:30:05.120000Z"


def test_no_fraction_when_it_is_zero() -> None:
    # the same text as the ledger's SQL ledger_format_timestamp
    assert utc_text(datetime(2026, 12, 3, 18, 30, tzinfo=UTC)) == "2026-12-03T18:30:00Z"


def test_no_moment_is_none() -> None:
    assert utc_text_or_none(None) is None
    assert utc_text_or_none(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"
