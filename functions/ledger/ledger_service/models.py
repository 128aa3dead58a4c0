"""The ledger's response models (Movement, which others relay, is in bank_shared.answers)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bank_shared.answers import Counterparty, Movement, PostingItem, TransactionType
from bank_shared.money import Money


class Balance(BaseModel):
    account_id: str
    currency: str
    balance: Money
    held: Money
    available: Money = Field(description="balance - held")
    overdraft_limit: Money
    status: str = Field(examples=["active", "closed"])


class Balances(BaseModel):
    items: list[Balance]


class Exchange(BaseModel):
    transaction_id: str
    type: Literal["exchange"]
    status: Literal["executed"]
    quote_id: str
    from_account_id: str
    to_account_id: str
    sell: Money
    buy: Money
    rate: str
    description: str
    created_at: str


class PostingList(BaseModel):
    items: list[PostingItem]


class TransactionPosting(BaseModel):
    account_id: str
    direction: Literal["credit", "debit"]
    amount: Money


class Transaction(BaseModel):
    id: str
    type: TransactionType
    description: str
    initiated_by: str
    approved_by: str | None
    reverses: str | None
    reversed_by: str | None
    created_at: str
    postings: list[TransactionPosting]
    counterparties: dict[str, Counterparty] = Field(default_factory=dict, description="Per account id: the other "
                                                    "side as that account's holder sees it (docs/money.md)")


class Hold(BaseModel):
    id: str
    account_id: str
    amount: Money
    status: str = Field(examples=["pending", "captured", "voided", "expired"])
    description: str
    expires_at: str
    transaction_id: str | None


class Capture(Movement):
    hold: Hold
