"""Response models of answers that more than one service hands out.

The ledger executes a money movement and the customer service and the back office relay its answer; fx
executes an exchange the customer service relays; utilities records a payment the customer service relays.
Each shape is declared once here, so every OpenAPI document (and the SPA's generated types) agrees.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from bank_shared.money import Amount, Money

TransactionType = Literal["issuance", "topup", "transfer", "hold_capture", "reversal", "exchange", "interest"]
UtilityCategory = Literal["electricity", "water", "heating", "gas", "internet"]


class Movement(BaseModel):
    """A transfer, top-up, capture or reversal the ledger executed (one transaction, two postings)."""

    transaction_id: str
    type: TransactionType
    status: Literal["executed"]
    from_account_id: str
    to_account_id: str
    amount: Money
    description: str
    created_at: str
    reverses: str | None = Field(default=None, description="reversal: the transaction it undid")


CounterpartyKind = Literal["person", "provider", "merchant", "card", "cash_desk", "bank"]


class Counterparty(BaseModel):
    """The other side of an operation as the account's holder sees it (docs/money.md#counterparty): another
    customer's masked name ("Иван И."), a ЖКХ provider, a merchant, a masked card ("•• 4242"), the bank's cash
    desk or the bank itself (the last two have no name: the UI names them in its language)."""

    kind: CounterpartyKind
    name: str | None = Field(default=None, max_length=120, examples=["Иван И."])


class PostingItem(BaseModel):
    """One posting on one of the caller's accounts (history)."""

    transaction_id: str
    account_id: str
    type: TransactionType
    direction: Literal["credit", "debit"]
    amount: Money
    description: str
    created_at: str
    counterparty: Counterparty | None = Field(default=None, description="Who the other side is; null when "
                                                                          "none (an exchange, older operations)")


class PostingPage(BaseModel):
    """A page of postings, newest first (the ledger's history; the back office relays it)."""

    items: list[PostingItem]
    next_cursor: str | None


class Card(BaseModel):
    id: str
    account_id: str
    pan_masked: str = Field(examples=["2200 00•• •••• 1234"])
    last4: str
    expiry: str = Field(examples=["09/29"])
    status: str = Field(examples=["active", "blocked"])
    block_reason: Literal["lost", "stolen", "suspicious", "other"] | None = Field(
        default=None, description="Why a blocked card is blocked (null when active or not given)")
    created_at: str | None


class Account(BaseModel):
    id: str
    number: str
    owner_id: str
    product_code: str
    currency: str
    status: str = Field(examples=["active", "closed"])
    opened_at: str | None
    closed_at: str | None
    balance: Money | None = Field(default=None, description="null when the ledger did not answer")
    available: Money | None = None
    cards: list[Card] | None = Field(default=None, description="internal lookups with include=cards only")


class Quote(BaseModel):
    id: UUID
    from_account_id: UUID
    to_account_id: UUID
    sell: Money
    buy: Money
    fixed_side: str = Field(description="sell: the sold amount was given; buy: the bought amount was given")
    rate: str = Field(description="The customer's rate: buy units per sell unit, after the spread")
    mid_rate: str
    spread_bps: int
    rate_date: str
    rate_source: str
    rate_stale: bool
    status: str
    expires_at: str
    created_at: str


class Exchanged(Quote):
    transaction_id: UUID
    executed_at: str | None


class ProviderRef(BaseModel):
    id: UUID
    code: str
    name: str
    category: UtilityCategory


class UtilityPayment(BaseModel):
    id: UUID
    provider: ProviderRef
    payer_account: str
    from_account_id: UUID
    amount: Money
    status: Literal["pending", "held", "completed", "failed"]
    failure_code: str | None = Field(description="The refusal's problem code when status is failed")
    hold_id: UUID | None
    transaction_id: UUID | None = Field(description="The ledger transaction that moved the money")
    created_at: str
    finished_at: str | None


CardLimit = Annotated[Amount | None, Field(description="Major units of the account's currency; null: no limit")]


class CardLimitsRequest(BaseModel):
    """A card's spending limits as its owner (accounts) or staff (office) set them."""

    per_purchase: CardLimit = None
    daily: CardLimit = None
    monthly: CardLimit = None
    online_enabled: bool = True
    cash_enabled: bool = True


class CardLimits(CardLimitsRequest):
    card_id: UUID
    currency: str
    updated_at: str | None


# A card's purchases: accounts answers its customer; the back office relays accounts' answer to staff.
class PurchaseCategory(BaseModel):
    code: str
    en: str
    ru: str


class PurchaseMerchant(BaseModel):
    name: str
    city: str
    country: str


class Purchase(BaseModel):
    id: UUID
    rrn: str
    status: Literal["holding", "approved", "declined", "cleared", "reversed", "expired"]
    pending: bool = Field(description="Held, not cleared yet")
    response_code: str | None
    decline_reason: str | None
    merchant: PurchaseMerchant
    mcc: str
    category: PurchaseCategory
    channel: str
    amount: str
    currency: str
    billed_amount: str
    billed_currency: str
    created_at: str
    updated_at: str


class Purchases(BaseModel):
    items: list[Purchase]
