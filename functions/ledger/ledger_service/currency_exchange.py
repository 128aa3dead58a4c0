"""Currency exchange in the ledger: both legs of a quoted exchange posted in one transaction, once per quote."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bank_shared.auth import Principal
from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountNotFound,
    Conflict,
    CurrencyMismatch,
    InsufficientFunds,
    SameAccount,
    Unprocessable,
)
from bank_shared.idempotency import IdempotentResult
from bank_shared.money import from_minor, money_json
from bank_shared.timestamps import utc_text
from ledger_service.repository import LedgerAccount, LedgerRepository

if TYPE_CHECKING:
    pass
from ledger_service.postings import (
    Refused,
    available_minor,
    balance_refusal,
    idempotent,
    require_active,
)


class QuoteAlreadyExchanged(Conflict):
    """The quote's exchange is already posted (money moved) under another Idempotency-Key. Not fx's
    `quote_already_used`, which refuses a second claim of a quote whether or not any money moved."""

    code, title = "quote_already_exchanged", "This quote has already been exchanged"


@dataclass(frozen=True)
class ExchangeOrder:
    """What fx asks the ledger to post: `sell` leaves `from_account_id`, `buy` arrives in `to_account_id`."""

    quote_id: UUID
    owner_id: UUID
    from_account_id: UUID
    to_account_id: UUID
    sell_amount: int
    sell_currency: str
    buy_amount: int
    buy_currency: str
    rate: Decimal
    description: str = ""

    def fingerprint_payload(self) -> dict[str, Any]:
        return {"quote": str(self.quote_id), "owner": str(self.owner_id), "from": str(self.from_account_id),
                "to": str(self.to_account_id), "sell": [self.sell_amount, self.sell_currency],
                "buy": [self.buy_amount, self.buy_currency], "rate": str(self.rate),
                "description": self.description}


def _exchange_accounts(repository: LedgerRepository, order: ExchangeOrder) -> tuple[UUID, UUID]:
    """The bank's FX position accounts in both currencies (raises for a currency the ledger lacks)."""
    sell_position = repository.system_account_id("fx_position", order.sell_currency)
    buy_position = repository.system_account_id("fx_position", order.buy_currency)
    if sell_position is None or buy_position is None:
        raise CurrencyMismatch(f"No FX position account for {order.sell_currency} or {order.buy_currency}")
    return sell_position, buy_position


def _check_exchange_parties(locked: dict[UUID, LedgerAccount], order: ExchangeOrder) -> LedgerAccount:
    source = require_active(locked.get(order.from_account_id), order.from_account_id)
    target = require_active(locked.get(order.to_account_id), order.to_account_id)
    for account in (source, target):
        if account.owner_id != order.owner_id:
            raise AccountNotFound(f"No account {account.id} of this customer")
    if source.currency != order.sell_currency or target.currency != order.buy_currency:
        raise CurrencyMismatch(f"The accounts are in {source.currency} and {target.currency}, "
                               f"the quote is {order.sell_currency}→{order.buy_currency}")
    return source


def exchange(uow: UnitOfWork, principal: Principal, key: str, order: ExchangeOrder) -> IdempotentResult:
    """One ledger transaction, four postings: the customer's sell-currency account → fx_position:<sell>, and
    fx_position:<buy> → the customer's buy-currency account. Each currency sums to zero; the rate and both
    amounts are recorded in exchange_details (one exchange per quote)."""
    if order.from_account_id == order.to_account_id:
        raise SameAccount()
    if order.sell_currency == order.buy_currency:
        raise CurrencyMismatch("An exchange needs two different currencies")

    def refusal(error: Unprocessable) -> Refused:
        return Refused(error, str(order.from_account_id), {
            "operation": "exchange", "quote_id": str(order.quote_id), "from_account_id": str(order.from_account_id),
            "to_account_id": str(order.to_account_id), "amount": from_minor(order.sell_amount, order.sell_currency),
            "currency": order.sell_currency})

    def operation() -> tuple[int, dict[str, Any]]:
        import psycopg.errors

        repository = LedgerRepository(uow.connection)
        sell_position, buy_position = _exchange_accounts(repository, order)
        locked = repository.lock_accounts([order.from_account_id, order.to_account_id, sell_position, buy_position])
        source = _check_exchange_parties(locked, order)
        if available_minor(source) < order.sell_amount:
            raise refusal(InsufficientFunds(
                f"Available balance is below {from_minor(order.sell_amount, order.sell_currency)}"))
        transaction_id = uuid.uuid4()
        postings = [(order.from_account_id, order.sell_currency, -order.sell_amount),
                    (sell_position, order.sell_currency, order.sell_amount),
                    (buy_position, order.buy_currency, -order.buy_amount),
                    (order.to_account_id, order.buy_currency, order.buy_amount)]
        try:
            with uow.connection.transaction():
                created_at = repository.post(transaction_id, "exchange", order.description, principal.actor,
                                             postings)
        except psycopg.errors.CheckViolation as error:
            raise refusal(balance_refusal(error)) from error
        if not repository.insert_exchange_details(transaction_id, order.quote_id, order.rate, order.sell_currency,
                                                  order.sell_amount, order.buy_currency, order.buy_amount):
            raise QuoteAlreadyExchanged(f"Quote {order.quote_id} was exchanged by another request")
        return 201, {
            "transaction_id": str(transaction_id),
            "type": "exchange",
            "status": "executed",
            "quote_id": str(order.quote_id),
            "from_account_id": str(order.from_account_id),
            "to_account_id": str(order.to_account_id),
            "sell": money_json(order.sell_amount, order.sell_currency),
            "buy": money_json(order.buy_amount, order.buy_currency),
            "rate": format(order.rate, "f"),
            "description": order.description,
            "created_at": utc_text(created_at),
        }

    return idempotent(uow, f"exchange:{principal.actor}", key, order.fingerprint_payload(), operation)


# holds --------------------------------------------------------------------------------------------------------
