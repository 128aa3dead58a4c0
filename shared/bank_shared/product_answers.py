"""Response models of a customer's standing orders and payment templates: accounts (the owner) answers with them
to the customer and to staff, and the back office relays the staff answers unchanged. Declared once here, so both
OpenAPI documents (and the SPA's generated types) agree."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

TemplateKind = Literal["transfer", "p2p_phone", "utility"]


class MoneyOut(BaseModel):
    amount: str
    currency: str


class RunOut(BaseModel):
    seq: int = Field(description="The occurrence's number (0 is the first)")
    due_date: date
    status: Literal["pending", "paid", "skipped", "failed"]
    attempts: int
    result_id: str | None = Field(description="The ledger transaction or utility payment, once paid")
    problem_code: str | None


class StandingOrderOut(BaseModel):
    id: UUID
    name: str
    kind: Literal["transfer", "utility"]
    from_account_id: UUID
    to_account_id: UUID | None
    provider_id: UUID | None
    payer_account: str | None
    amount: MoneyOut
    description: str
    frequency: Literal["once", "weekly", "monthly"]
    start_date: date
    day_of_month: int | None
    end_date: date | None
    max_count: int | None
    on_insufficient: Literal["skip", "retry"]
    status: Literal["active", "cancelled", "finished"]
    next_due: date | None
    runs: list[RunOut] = Field(description="The latest occurrences (on a single order, and in staff's lists)")


class StandingOrderList(BaseModel):
    items: list[StandingOrderOut]


class TemplateOut(BaseModel):
    id: UUID
    name: str
    kind: TemplateKind
    from_account_id: UUID | None
    to_account_number: str | None
    to_phone: str | None
    provider_id: UUID | None
    payer_account: str | None
    amount: MoneyOut | None
    currency: str
    description: str


class TemplateList(BaseModel):
    items: list[TemplateOut]
