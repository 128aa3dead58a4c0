"""HTTP routes of card spending (docs/cards.md).

* `POST /network/messages`: the card network's door (no bearer token: `Auth: NONE` in the template for this
  exact path). Every message must carry `X-Network-Signature`, an HMAC over the raw body with the key in
  Secrets Manager (`bank_shared.card_network`); anything else is 401. Answers 200 with the response message
  (0110 / 0230 / 0410) whose `response_code` says approved (00) or why not: a decline is an answer, not an error.
* `GET`/`PUT /cards/{card_id}/limits`, `GET /cards/{card_id}/purchases`: the card's owner and staff.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from accounts_service import card_limits, card_service, card_settlement
from accounts_service.settings import get_accounts_settings
from accounts_service.signed_doors import require_signature
from bank_shared.answers import CardLimits, CardLimitsRequest, Purchase, Purchases
from bank_shared.auth import UserPrincipal
from bank_shared.card_network import SIGNATURE_HEADER
from bank_shared.db import UnitOfWork
from bank_shared.errors import Unauthorized
from bank_shared.money import Amount, CurrencyCode

router = APIRouter(tags=["cards"])
network = APIRouter(prefix="/network", tags=["card-network"])
Stan = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="System trace audit number (field 11)")]
Rrn = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{12}$", description="Retrieval reference number (field 37)")]


class BadSignature(Unauthorized):
    code, title = "network_signature_invalid", "The card network message is not signed with the shared key"


async def signed_by_network(request: Request) -> None:
    """The raw body's HMAC must verify with the network's key, made within the allowed clock skew."""
    await require_signature(request, secret_id=get_accounts_settings().card_network_key_secret_id, key_field="key",
                            header=SIGNATURE_HEADER, refusal=BadSignature)


class Merchant(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Card acceptor name (field 43)")
    city: str = Field(default="", max_length=60)
    country: str = Field(default="", max_length=3)
    terminal_id: str = Field(default="", max_length=16, description="Card acceptor terminal id (field 41)")


class AuthorizationMessage(BaseModel):
    mti: Literal["0100"]
    stan: Stan
    rrn: Rrn
    transmitted_at: str | None = Field(default=None, max_length=40, description="Field 7")
    card_ref: UUID = Field(description="The issuer's card reference (in place of the PAN, field 2)")
    processing_code: str = Field(pattern=r"^[0-9]{6}$", description="Field 3: 000000 purchase, 010000 cash")
    amount: Amount = Field(description="Transaction amount in major units (field 4)")
    currency: CurrencyCode = Field(description="Transaction currency (field 49)")
    mcc: str = Field(pattern=r"^[0-9]{4}$", description="Merchant category code (field 18)")
    channel: Literal["pos", "online", "atm"] = Field(description="Where the card was used (field 22)")
    merchant: Merchant


class FollowUpMessage(BaseModel):
    mti: Literal["0220", "0400"] = Field(description="0220 clearing (capture) or 0400 reversal")
    stan: Stan
    rrn: Rrn = Field(description="The authorization's RRN")
    transmitted_at: str | None = Field(default=None, max_length=40)
    amount: Amount = Field(description="0220: the final amount (may differ from the authorization's)")
    currency: CurrencyCode


class NetworkAnswer(BaseModel):
    mti: Literal["0110", "0230", "0410"]
    stan: str
    rrn: str
    response_code: str = Field(description="Field 39: 00 approved; 51 insufficient funds, 61 over a limit, "
                                           "62 restricted card, 57 not permitted, 54 expired card, 14 unknown "
                                           "card, 13 invalid amount, 12 invalid transaction, 25 no original, "
                                           "05 do not honour, 91 issuer unavailable")
    reason: str | None = Field(description="Why, as a word (daily_limit_exceeded, card_blocked, …)")
    auth_code: str | None = Field(description="Field 38, when approved")
    billed_amount: str | None = Field(description="In the account's currency (converted at the card rate)")
    billed_currency: str | None


Message = Annotated[AuthorizationMessage | FollowUpMessage, Field(discriminator="mti")]


@network.post("/messages", response_model=NetworkAnswer, dependencies=[Depends(signed_by_network)])
def network_message(message: Message) -> NetworkAnswer:
    """One card network message: 0100 authorization, 0220 clearing or 0400 reversal; idempotent on the RRN."""
    if isinstance(message, AuthorizationMessage):
        purchase = card_service.Purchase(
            message.stan, message.rrn, message.card_ref, message.amount, message.currency, message.mcc,
            message.channel, message.merchant.name, message.merchant.city, message.merchant.country)
        return NetworkAnswer.model_validate(card_service.authorize(purchase))
    follow_up = card_service.FollowUp(message.stan, message.rrn, message.amount, message.currency)
    handle = card_settlement.clear if message.mti == "0220" else card_settlement.reverse
    return NetworkAnswer.model_validate(handle(follow_up))




@router.get("/cards/{card_id}/limits", response_model=CardLimits)
def get_card_limits(card_id: UUID, principal: UserPrincipal) -> CardLimits:
    """The card's spending limits (the card's owner, employees and admins)."""
    with UnitOfWork() as uow:
        return CardLimits.model_validate(card_limits.get_limits(uow, principal, card_id))


@router.put("/cards/{card_id}/limits", response_model=CardLimits)
def set_card_limits(card_id: UUID, request: CardLimitsRequest, principal: UserPrincipal) -> CardLimits:
    """Replace the card's limits: per purchase, daily, monthly (null: none), online and cash on or off."""
    change = card_limits.LimitsChange(request.per_purchase, request.daily, request.monthly,
                                      request.online_enabled, request.cash_enabled)
    with UnitOfWork() as uow:
        return CardLimits.model_validate(card_limits.set_limits(uow, principal, card_id, change))


@router.get("/cards/{card_id}/purchases", response_model=Purchases)
def card_purchases(card_id: UUID, principal: UserPrincipal,
                   limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Purchases:
    """The card's purchases, newest first, with merchant, category and status (pending, cleared, declined…)."""
    with UnitOfWork() as uow:
        return Purchases(items=[Purchase.model_validate(item)
                                for item in card_limits.purchases(uow, principal, card_id, limit)])
