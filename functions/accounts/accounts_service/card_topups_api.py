"""HTTP routes of card top-ups (docs/payments.md "Money in").

* `POST /{account_id}/card-topups` (the account's owner, Idempotency-Key): a top-up and its payment at the
  acquirer; answers the payment page (`confirmation_url`) the SPA sends the browser to.
* `GET /card-topups/{topup_id}`: its status (the owner; anyone else's is 404).
* `POST /acquiring/webhook`: the acquirer's door (no bearer token: `Auth: NONE` in the template for this exact
  path). The raw body must carry `X-Acquirer-Signature`, an HMAC with the webhook key in Secrets Manager
  (`bank_shared.acquiring`, compared in constant time, at most 300 s old); anything else is 401. 2xx tells the
  acquirer to stop retrying; 503 (the ledger unavailable) makes it retry.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from accounts_service import card_topups
from accounts_service.settings import get_accounts_settings
from accounts_service.signed_doors import require_signature
from accounts_service.standing_orders_api import owner_of
from bank_shared.acquiring import SIGNATURE_HEADER
from bank_shared.auth import LiveCustomerPrincipal
from bank_shared.errors import Unauthorized
from bank_shared.idempotency import IdempotencyKey
from bank_shared.money import Amount, CurrencyCode

router = APIRouter(tags=["card-topups"])
acquiring = APIRouter(prefix="/acquiring", tags=["acquiring"])


class BadAcquirerSignature(Unauthorized):
    code, title = "acquirer_signature_invalid", "The acquirer's notification is not signed with the shared key"


async def signed_by_acquirer(request: Request) -> None:
    await require_signature(request, secret_id=get_accounts_settings().acquirer_secret_id, key_field="webhook_key",
                            header=SIGNATURE_HEADER, refusal=BadAcquirerSignature)


class CardTopupRequest(BaseModel):
    amount: Amount
    currency: CurrencyCode = "RUB"


class CardTopup(BaseModel):
    id: UUID
    account_id: UUID
    amount: str
    currency: str
    status: Literal["creating", "pending", "succeeded", "failed", "refunding", "refunded"] = Field(
        description="pending: waiting for the card payment; succeeded: credited; failed: see failure_reason; "
                    "refunding/refunded: paid, but the ledger refused the credit (failure_reason), so the money "
                    "is being/was returned to the card")
    confirmation_url: str | None = Field(description="The acquirer's payment page to send the browser to")
    card_mask: str | None = Field(description="The paying card, masked (first six and last four digits)")
    failure_reason: str | None = Field(description="insufficient_funds, card_declined, 3d_secure_failed, "
                                                   "not_started, credit_refused:<code>, …")
    transaction_id: UUID | None = Field(description="The ledger transaction of the credit, once succeeded")
    created_at: str
    updated_at: str


class PaymentAmount(BaseModel):
    value: str = Field(max_length=40)
    currency: str = Field(max_length=3)


class PaymentCard(BaseModel):
    first6: str = Field(pattern=r"^[0-9]{6}$")
    last4: str = Field(pattern=r"^[0-9]{4}$")


class PaymentMethod(BaseModel):
    type: str = Field(max_length=40)
    card: PaymentCard | None = None


class CancellationDetails(BaseModel):
    party: str = Field(default="", max_length=40)
    reason: str = Field(max_length=100)


class AcquirerPayment(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    status: Literal["pending", "succeeded", "canceled"]
    amount: PaymentAmount
    payment_method: PaymentMethod | None = None
    cancellation_details: CancellationDetails | None = None


class AcquirerRefund(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    payment_id: str = Field(min_length=1, max_length=64)
    status: Literal["pending", "succeeded", "canceled"]
    amount: PaymentAmount


class AcquirerNotification(BaseModel):
    type: Literal["notification"]
    event: Literal["payment.succeeded", "payment.canceled"]
    object: AcquirerPayment


class AcquirerRefundNotification(BaseModel):
    type: Literal["notification"]
    event: Literal["refund.succeeded"]
    object: AcquirerRefund


AnyNotification = Annotated[AcquirerNotification | AcquirerRefundNotification, Field(discriminator="event")]


class NotificationAccepted(BaseModel):
    topup_id: UUID
    status: str


@router.post("/{account_id}/card-topups", status_code=201, response_model=CardTopup)
def start_card_topup(account_id: UUID, request: CardTopupRequest, principal: LiveCustomerPrincipal,
                     key: IdempotencyKey) -> JSONResponse:
    """Top up the account from a card of another bank: answers the acquirer's payment page to open."""
    view = card_topups.start(card_topups.TopupRequest(owner_of(principal), account_id, request.amount,
                                                      request.currency, key))
    return JSONResponse(CardTopup.model_validate(view).model_dump(mode="json"), status_code=201)


@router.get("/card-topups/{topup_id}", response_model=CardTopup)
def get_card_topup(topup_id: UUID, principal: LiveCustomerPrincipal) -> CardTopup:
    """A card top-up's status (the return page polls it)."""
    return CardTopup.model_validate(card_topups.get(owner_of(principal), topup_id))


@acquiring.post("/webhook", response_model=NotificationAccepted, dependencies=[Depends(signed_by_acquirer)])
def acquirer_webhook(notification: AnyNotification) -> NotificationAccepted:
    """The acquirer's notification of a payment's outcome or of a refund; each top-up is credited (or refunded)
    once however often it comes. An unknown payment is 404, one whose amount is not the top-up's 422 (the
    acquirer stops on neither)."""
    if isinstance(notification, AcquirerRefundNotification):
        view = card_topups.apply_refund(notification.object.model_dump())
    else:
        view = card_topups.apply_outcome(notification.object.model_dump())
    return NotificationAccepted(topup_id=view["id"], status=view["status"])
