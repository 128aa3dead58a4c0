"""What an admin may ask of the audit log (issue 15 item 4): the filters of the viewer and of its CSV export,
checked here, and the CSV file itself.

Dates are calendar days in UTC: `date_from` includes its whole day, `date_to` too (the filter runs up to the
start of the next day). `date_to` must not be before `date_from`, and a period with both ends spans at most
`office_audit_max_days`. An export holds at most `office_audit_export_max_rows` entries: when more match, it
is refused with `audit_export_too_large` (narrow the filters) rather than cut short without a word.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bank_shared.csv_export import Cell, csv_bytes
from bank_shared.errors import AppError
from bank_shared.timestamps import utc_text
from office_service.repository import AuditFilter
from office_service.settings import get_office_settings

CSV_HEADER = ("occurred_at", "actor_id", "actor_roles", "action", "target_type", "target_id", "outcome",
              "status", "code", "replayed", "request_id", "idempotency_key", "details", "completed_at")


class InvalidAuditPeriod(AppError):
    status, code, title = 422, "invalid_audit_period", "The period is not valid"


class AuditExportTooLarge(AppError):
    status, code, title = 422, "audit_export_too_large", "Too many entries for one export; narrow the filters"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_filter(actor_id: str | None = None, target_id: str | None = None, action: str | None = None,
                 date_from: date | None = None, date_to: date | None = None) -> AuditFilter:
    """The filter of the viewer and the export; an impossible or too long period is a 422 problem."""
    if date_from and date_to:
        if date_to < date_from:
            raise InvalidAuditPeriod("The period ends before it starts")
        max_days = get_office_settings().office_audit_max_days
        if (date_to - date_from).days >= max_days:
            raise InvalidAuditPeriod(f"A period covers at most {max_days} days")
    return AuditFilter(actor_id or None, target_id or None, action or None,
                       _day_start(date_from) if date_from else None,
                       _day_start(date_to + timedelta(days=1)) if date_to else None)


def check_export_size(rows: int) -> None:
    """Refuse an export of more rows than the cap (the caller fetched one more than the cap to know)."""
    cap = get_office_settings().office_audit_export_max_rows
    if rows > cap:
        raise AuditExportTooLarge(f"More than {cap} entries match; narrow the filters")


def _text(value: Any) -> Cell:
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, str | int | bool) or value is None:
        return value
    return str(value)


def audit_csv(entries: list[dict[str, Any]]) -> bytes:
    """The entries (audit views, newest first) as a spreadsheet-safe CSV file."""
    def cells(entry: dict[str, Any]) -> list[Cell]:
        values = entry | {"actor_roles": " ".join(entry["actor_roles"]),
                          "details": json.dumps(entry["details"], ensure_ascii=False, sort_keys=True)}
        return [_text(values[name]) for name in CSV_HEADER]

    return csv_bytes(CSV_HEADER, [cells(entry) for entry in entries])
