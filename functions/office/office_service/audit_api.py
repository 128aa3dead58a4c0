"""HTTP routes of the audit log viewer (admins only, issue 15 item 4): a page of entries, newest first, and
the same filters as a CSV file (office_service.audit_query)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bank_shared.csv_export import CSV_RESPONSES, csv_response
from bank_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_time_id, time_id_page
from office_service.audit_query import audit_csv, audit_filter
from office_service.dependencies import Admin, office
from office_service.repository import AuditFilter
from office_service.service import Actor
from office_service.settings import get_office_settings

router = APIRouter(tags=["office-admin"])


class AuditEntry(BaseModel):
    id: UUID
    occurred_at: datetime
    actor_id: str
    actor_roles: list[str]
    action: str = Field(examples=["account.open"])
    target_type: str
    target_id: str | None
    request_id: str | None
    idempotency_key: str | None
    details: dict[str, Any]
    outcome: Literal["pending", "succeeded", "refused", "failed"]
    status: int | None
    code: str | None
    replayed: bool
    completed_at: datetime | None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None


def filters(
    actor_id: Annotated[str | None, Query(max_length=100, description="The employee who acted")] = None,
    target_id: Annotated[str | None, Query(max_length=100, description="The customer (or other target)")] = None,
    action: Annotated[str | None, Query(max_length=60, pattern=r"^[a-z_]+(\.[a-z_]+)*$",
                                        description="An action, or its family: `customer` is `customer.*` too")
                      ] = None,
    date_from: Annotated[date | None, Query(description="First day (UTC), included")] = None,
    date_to: Annotated[date | None, Query(description="Last day (UTC), included; not before date_from")] = None,
) -> AuditFilter:
    return audit_filter(actor_id, target_id, action, date_from, date_to)


Filters = Annotated[AuditFilter, Depends(filters)]


@router.get("/audit", response_model=AuditPage)
def audit(_admin: Admin, where: Filters, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
          cursor: Annotated[str | None, Query(max_length=300)] = None) -> dict[str, Any]:
    """The back-office audit log, newest first (cursor pagination), filtered by employee, target, action and
    period."""
    items, after = office().audit_page(decode_time_id(cursor), limit, where)
    return time_id_page(items, limit, after)


@router.get("/audit/export", response_class=Response, responses=CSV_RESPONSES)
def audit_export(principal: Admin, where: Filters) -> Response:
    """The entries the same filters select, newest first, as a CSV file (UTF-8 with BOM, `;`-separated, cells
    safe from formula injection); more than the export cap is refused with `audit_export_too_large`."""
    entries = office().audit_export(Actor.of(principal), where, get_office_settings().office_audit_export_max_rows)
    return csv_response(audit_csv(entries), "office-audit.csv")
