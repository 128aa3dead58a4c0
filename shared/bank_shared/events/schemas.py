"""The `data` of every event, as pydantic models: the contract `api_spec/asyncapi.yaml` is generated from
(`python -m bank_shared.tools.asyncapi write`, run by `make openapi`; a unit test checks the committed file).
Exact: every field the publisher writes, required unless a publisher may leave it out, and nothing else
(`extra="forbid"`, `additionalProperties: false`). Amounts are decimal strings in the currency's minor digits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bank_shared.events import topics

Amount = str  # a decimal string, e.g. "1500.50"


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Money(EventData):
    amount: Amount
    currency: str


class UserRegistered(EventData):
    """A user signed up and awaits activation. The link's token is never in the event: notifications derives
    it from `link_id` with a key only auth and notifications hold."""

    user_id: UUID
    email: str
    full_name: str
    link_id: UUID
    expires_in: int = Field(description="Seconds the activation link lives")
    resent: bool


class UserActivated(EventData):
    """A user's account became active (activation link used, or created active by an employee)."""

    user_id: UUID
    email: str


class UserLocked(EventData):
    """Sign-in was locked after repeated failures."""

    user_id: UUID
    reason: Literal["too_many_failed_logins"]
    locked_for_seconds: int


class UserPasswordResetRequested(EventData):
    """A one-time password link was made: the reset mail, or the welcome mail of a customer created in the
    office (`welcome`), whose link lives for days."""

    user_id: UUID
    email: str
    full_name: str
    link_id: UUID
    expires_in: int
    welcome: bool = False  # added later: events published before it are reset mails


class UserPasswordChanged(EventData):
    """A user's password was changed; never carries the password or the link."""

    user_id: UUID
    how: Literal["reset_link", "password_change"]  # password_change: by its owner, signed in (issue 14)
    changed_at: datetime


class AccountOpened(EventData):
    """An account was opened (by its customer, or by an employee for them)."""

    account_id: UUID
    owner_id: UUID
    number: str = Field(pattern=r"^[0-9]{20}$")
    currency: str
    product_code: str
    overdraft_limit: Money
    opened_by: str = Field(description="Who opened it: the customer, or the employee")


class AccountClosed(EventData):
    """An account was closed."""

    account_id: UUID
    owner_id: UUID
    closed_by: str


class CardTopupRefunded(EventData):
    """A card top-up the ledger refused to credit was refunded to the paying card; of the card only its last
    four digits travel."""

    topup_id: UUID
    account_id: UUID
    owner_id: UUID
    amount: Amount
    currency: str
    card_last4: str | None = Field(pattern=r"^[0-9]{4}$", description="None when the acquirer named no card")
    reason: str = Field(description="The ledger's refusal code, e.g. account_closed")
    refund_id: str = Field(description="The acquirer's refund")


class CardIssued(EventData):
    """A card was issued on an account; only its last four digits travel."""

    card_id: UUID
    account_id: UUID
    owner_id: UUID
    last4: str = Field(pattern=r"^[0-9]{4}$")
    expiry: str = Field(pattern=r"^[0-9]{2}/[0-9]{2}$", description="MM/YY")
    issued_by: str


class PaymentExecuted(EventData):
    """Money moved (a top-up, transfer, exchange leg, utility payment, reversal)."""

    transaction_id: UUID
    type: str
    from_account_id: UUID
    to_account_id: UUID
    description: str
    created_at: datetime
    reverses: UUID | None = Field(default=None, description="Only on a reversal: the transaction it reverses")
    amount: Amount
    currency: str
    amount_minor: int
    initiated_by: str


class PaymentFailed(EventData):
    """An accepted payment was refused; which ids are present depends on the operation (transfer, exchange,
    hold, capture)."""

    from_account_id: UUID | None = None
    to_account_id: UUID | None = None
    account_id: UUID | None = None
    hold_id: UUID | None = None
    quote_id: UUID | None = None
    operation: Literal["exchange", "hold"] | None = None
    amount: Amount
    currency: str
    reason: str = Field(description="The refusal's problem code, e.g. insufficient_funds")
    detail: str | None


class UtilityPaid(EventData):
    """A utility bill was paid (the hold on the account captured)."""

    payment_id: UUID
    provider_id: UUID
    provider_code: str
    provider_name: str
    category: str
    payer_id: UUID
    from_account_id: UUID
    payer_account: str = Field(description="The payer code at the provider")
    amount: Amount
    currency: str
    amount_minor: int
    transaction_id: UUID
    paid_at: datetime | None


class UtilityProviderChanged(EventData):
    """An admin created, edited, deactivated or reactivated a utility provider (the provider's audit trail)."""

    provider_id: UUID
    code: str
    name: str
    action: Literal["created", "updated", "deactivated", "reactivated"]
    actor_id: str = Field(description="The admin's user id (the token's subject)")
    reason: str | None = Field(description="The admin's reason, when given")
    changed: list[str] = Field(description="Names of the fields the change set")
    active: bool
    settlement_account: str
    ledger_account_id: UUID
    changed_at: datetime


class FxExchanged(EventData):
    """A currency exchange was executed at a quoted rate."""

    quote_id: UUID
    transaction_id: UUID
    owner_id: UUID
    from_account_id: UUID
    to_account_id: UUID
    sell_amount: Amount
    sell_currency: str
    sell_amount_minor: int
    buy_amount: Amount
    buy_currency: str
    buy_amount_minor: int
    rate: str
    mid_rate: str
    spread_bps: int
    rate_date: str
    executed_at: datetime


class ContractEvent(EventData):
    """A contract's status changed."""

    contract_id: UUID
    customer_id: UUID
    number: str
    template_id: UUID
    version: int


class ContractSigned(ContractEvent):
    """The customer signed a contract."""

    signed_at: datetime | None


class ContractActivated(ContractEvent):
    """A contract came into force."""


class ContractTerminated(ContractEvent):
    """A contract was terminated (by the bank, with a reason)."""

    reason: str | None


class NotificationRequested(EventData):
    """A named notice was queued for delivery (`POST /send`)."""

    notification_id: UUID
    channel: Literal["email"]


class LogRecord(EventData):
    """A security record for the log pipeline (auth's absorbed one-time-link requests)."""

    level: str
    service: str
    message: str
    request: str


class FunctionLogLine(BaseModel):
    """A function's own log line on `logs.app` (bank_shared.log_forwarding): the Powertools JSON record as the
    function wrote it, with the function's name added; a non-JSON line is wrapped with `raw: true`. Not a
    CloudEvent: Splunk receives it as it is."""

    model_config = ConfigDict(extra="allow")

    level: str
    message: str
    function: str


EVENT_MODELS: dict[str, type[EventData]] = {
    topics.USER_REGISTERED: UserRegistered,
    topics.USER_ACTIVATED: UserActivated,
    topics.USER_LOCKED: UserLocked,
    topics.USER_PASSWORD_RESET_REQUESTED: UserPasswordResetRequested,
    topics.USER_PASSWORD_CHANGED: UserPasswordChanged,
    topics.ACCOUNT_OPENED: AccountOpened,
    topics.ACCOUNT_CLOSED: AccountClosed,
    topics.CARD_ISSUED: CardIssued,
    topics.CARD_TOPUP_REFUNDED: CardTopupRefunded,
    topics.PAYMENT_EXECUTED: PaymentExecuted,
    topics.PAYMENT_FAILED: PaymentFailed,
    topics.UTILITY_PAID: UtilityPaid,
    topics.UTILITY_PROVIDER_CHANGED: UtilityProviderChanged,
    topics.FX_EXCHANGED: FxExchanged,
    topics.CONTRACT_SIGNED: ContractSigned,
    topics.CONTRACT_ACTIVATED: ContractActivated,
    topics.CONTRACT_TERMINATED: ContractTerminated,
    topics.NOTIFICATION_REQUESTED: NotificationRequested,
    topics.LOGS_APP: LogRecord,
}


class EventContractViolation(Exception):
    """A publisher built event data its topic's model refuses (a bug in the publisher, never bad input)."""


def check_event_data(topic: str, data: object) -> None:
    model = EVENT_MODELS.get(topic)
    if model is None:
        raise EventContractViolation(f"no event model for topic {topic!r}: add it to EVENT_MODELS")
    try:
        model.model_validate(data)
    except ValidationError as error:
        raise EventContractViolation(f"{topic}: {error}") from error
