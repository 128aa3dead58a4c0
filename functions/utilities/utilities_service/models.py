"""Response models of the provider directory, shared by the readers' and the admins' routes."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from bank_shared.answers import UtilityCategory
from bank_shared.money import Money


class PayerAccountFormat(BaseModel):
    label: str = Field(description="What the provider calls the payer's number, e.g. «Лицевой счёт»")
    pattern: str = Field(description="Regular expression the whole number must match")
    hint: str


class Provider(BaseModel):
    id: UUID
    code: str
    name: str
    category: UtilityCategory
    inn: str
    settlement_account: str = Field(description="The provider's 20-digit settlement account at the bank")
    currency: str
    payer_account: PayerAccountFormat
    min_amount: Money
    max_amount: Money
    active: bool = Field(description="False: the provider takes no new payments (staff only see such providers)")


class ProviderPage(BaseModel):
    items: list[Provider]
    next_cursor: str | None
