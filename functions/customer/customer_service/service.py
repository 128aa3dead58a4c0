"""Use cases of the customer service: P2P transfer and currency exchange for the signed-in customer.

The customer service keeps no money state: it checks what it can (the source account is the caller's and
active, the recipient exists and can receive), then hands the operation to its owner (the ledger, fx)
with the customer's Idempotency-Key, namespaced per customer, so a retry is a replay there. The owner's
answers (including its problems: insufficient_funds, account_closed, quote_expired, …) reach the customer
unchanged, with `Idempotent-Replayed` when the owner replayed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    Conflict,
    CurrencyMismatch,
    DependencyUnavailable,
    InsufficientFunds,
    NotFound,
    SameAccount,
    Unprocessable,
)
from bank_shared.http import Answer
from bank_shared.money import exponent, money_json, to_minor
from customer_service.clients import Services

MAX_FORWARDED_KEY = 200




class RecipientNotFound(NotFound):
    code, title = "recipient_not_found", "Recipient not found"


class RecipientAmbiguous(Conflict):
    code, title = "recipient_ambiguous", "Several customers have this phone number"





# Spends one recipient lookup of the customer's budget (raises TooManyRequests when it is spent).
LookupBudget = Callable[[UUID], None]


@dataclass(frozen=True)
class TransferOrder:
    user_id: UUID
    from_account_id: UUID
    amount: str
    currency: str
    to_account_number: str | None = None
    to_phone: str | None = None
    description: str = ""


def forwarded_key(user_id: UUID, key: str) -> str:
    """The customer's key, namespaced per customer: the customer service calls the ledger as one client,
    so two customers' keys must never meet in the ledger's key space."""
    part = key if len(key) <= MAX_FORWARDED_KEY else hashlib.sha256(key.encode()).hexdigest()
    return f"p2p:{user_id}:{part}"


_CYRILLIC = re.compile(r"^[А-ЯЁа-яё-]+$")  # noqa: RUF001 - Cyrillic letters are the point


def mask_name(full_name: str | None) -> str | None:
    """What a sender may see of a recipient: "Ivan Petrov" → "Ivan P."; a Russian full name, written surname
    first as the sign-up form asks (surname, name, patronymic), → the first name and the surname's initial,
    as Russian banks show it."""
    if not full_name:
        return None
    parts = full_name.split()
    if len(parts) == 3 and all(_CYRILLIC.match(part) for part in parts):  # surname, name, patronymic
        return f"{parts[1]} {parts[0][0]}."
    return " ".join([parts[0], *(f"{part[0]}." for part in parts[1:])])


def _source_account(services: Services, order: TransferOrder, timeout: float) -> dict[str, Any]:
    found = services.accounts(timeout, account_ids=[order.from_account_id])
    source = next((a for a in found if a["owner_id"] == str(order.user_id)), None)
    if source is None:
        raise AccountNotFound(f"No account {order.from_account_id}")
    if source["status"] != "active":
        raise AccountClosed(f"Account {source['number']} is closed")
    if source["currency"] != order.currency:
        raise CurrencyMismatch(f"The account is in {source['currency']}, not {order.currency}")
    return source


def _by_number(services: Services, number: str, timeout: float) -> tuple[dict[str, Any], str | None]:
    found = services.accounts(timeout, number=number)
    if not found:
        raise RecipientNotFound(f"No account with the number {number}")
    try:
        owner = services.profile(UUID(str(found[0]["owner_id"])), timeout)
    except (DependencyUnavailable, NotFound):
        return found[0], None  # the name is shown when known; its absence never stops a payment
    return found[0], mask_name(owner.get("full_name"))


def _by_phone(services: Services, phone: str, currency: str, timeout: float) -> tuple[dict[str, Any], str | None]:
    users = services.users_by_phone(phone, timeout)
    if not users:
        raise RecipientNotFound("No customer with this phone number")
    if len(users) > 1:
        raise RecipientAmbiguous("Several customers share this phone number; transfer by account number")
    user = users[0]
    accounts = [a for a in services.accounts(timeout, owner_id=UUID(str(user["id"])), currency=currency)
                if a["status"] == "active"]
    if not accounts:
        raise RecipientNotFound(f"The recipient has no open {currency} account")
    return accounts[0], mask_name(user.get("full_name"))


def _recipient(services: Services, order: TransferOrder, timeout: float) -> tuple[dict[str, Any], str | None]:
    if order.to_account_number:
        return _by_number(services, order.to_account_number, timeout)
    if order.to_phone:
        return _by_phone(services, order.to_phone, order.currency, timeout)
    raise Unprocessable("Give the recipient's account number or phone number")


def _signed_minor(money: dict[str, str]) -> int:
    """A balance figure of the ledger (negative in an overdraft) in minor units."""
    return int(Decimal(money["amount"]).scaleb(exponent(money["currency"])))


def _ensure_funds(services: Services, order: TransferOrder, amount: int, timeout: float) -> None:
    """The money is there before anyone is looked up: a sender who cannot pay learns nothing about the
    recipient (a known and an unknown phone both answer insufficient_funds). The ledger checks again, under
    its locks; this is the same rule (available balance plus overdraft), read a moment earlier."""
    balance = services.balance(order.from_account_id, timeout)
    if balance is None:
        raise DependencyUnavailable("The balance cannot be read right now", dependency="ledger")
    if _signed_minor(balance["available"]) + _signed_minor(balance["overdraft_limit"]) < amount:
        raise InsufficientFunds(f"Available balance is below {order.amount}")


@dataclass(frozen=True)
class Checked:
    """A transfer that passed every check: the caller's source account, the recipient's account and the
    recipient's masked name (None when unknown)."""
    source: dict[str, Any]
    target: dict[str, Any]
    recipient_name: str | None


def _checked(services: Services, order: TransferOrder, timeout: float, lookups: LookupBudget) -> Checked:
    """Checks, funds, then recipient resolution (one lookup of the customer's budget)."""
    amount = to_minor(order.amount, order.currency)  # invalid_amount before any call
    source = _source_account(services, order, timeout)
    _ensure_funds(services, order, amount, timeout)
    lookups(order.user_id)
    target, recipient_name = _recipient(services, order, timeout)
    if target["id"] == source["id"]:
        raise SameAccount()
    if target["status"] != "active":
        raise AccountClosed("The recipient's account is closed")
    if target["currency"] != order.currency:
        raise CurrencyMismatch(f"The recipient's account is in {target['currency']}, not {order.currency}")
    return Checked(source, target, recipient_name)


def preview(services: Services, order: TransferOrder, timeout: float, lookups: LookupBudget) -> dict[str, Any]:
    """What the confirm step shows before anything moves: the recipient's masked name and the last digits of
    the account, the amount, the fee (none today) and the source account. The same checks and the same
    lookup budget as the transfer itself, so a preview tells a prober nothing a transfer would not."""
    checked = _checked(services, order, timeout, lookups)
    amount = to_minor(order.amount, order.currency)
    return {"from_account_id": checked.source["id"], "from_account_number": checked.source["number"],
            "recipient": {"name": checked.recipient_name,
                          "account_number_masked": f"•• {checked.target['number'][-4:]}"},
            "amount": money_json(amount, order.currency), "fee": money_json(0, order.currency),
            "total": money_json(amount, order.currency)}


def _own_masked_name(services: Services, user_id: UUID, timeout: float) -> str | None:
    """The sender's masked name, as the recipient's history shows it (None when unknown: never a reason to
    refuse a payment)."""
    try:
        return mask_name(services.profile(user_id, timeout).get("full_name"))
    except (DependencyUnavailable, NotFound):
        return None


def _person(name: str | None) -> dict[str, str] | None:
    return {"kind": "person", "name": name} if name else None


def transfer(services: Services, key: str, order: TransferOrder, timeout: float, lookups: LookupBudget) -> Answer:
    """P2P: checks, funds, recipient resolution (a per-customer budget of lookups), then the ledger's
    same-currency transfer under the customer's key. The ledger records each side's counterparty: the
    sender sees the recipient's masked name, the recipient the sender's (docs/money.md#counterparty)."""
    checked = _checked(services, order, timeout, lookups)
    sender_name = _own_masked_name(services, order.user_id, timeout)
    answer = services.transfer(forwarded_key(order.user_id, key), {
        "from_account_id": str(order.from_account_id), "to_account_id": checked.target["id"],
        "amount": order.amount, "currency": order.currency, "description": order.description,
        "sender_sees": _person(checked.recipient_name), "recipient_sees": _person(sender_name)})
    if not answer.ok:
        return answer
    recipient = {"account_number": checked.target["number"], "name": checked.recipient_name}
    return Answer(answer.status, {**answer.body, "recipient": recipient}, answer.replayed)


@dataclass(frozen=True)
class ExchangeOrder:
    user_id: UUID
    from_account_id: UUID
    to_account_id: UUID
    amount: str
    currency: str


def exchange(services: Services, key: str, order: ExchangeOrder) -> Answer:
    """Quote and execute at once, both under the customer's key (fx scopes keys per customer): a retry
    gets the same quote back and then the same exchange outcome."""
    quote = services.fx_quote(key, {"owner_id": str(order.user_id), "from_account_id": str(order.from_account_id),
                                    "to_account_id": str(order.to_account_id), "amount": order.amount,
                                    "currency": order.currency})
    if not quote.ok:
        return quote
    return services.fx_exchange(key, {"owner_id": str(order.user_id), "quote_id": quote.body["id"]})


@dataclass(frozen=True)
class UtilityOrder:
    user_id: UUID
    provider_id: UUID
    payer_account: str
    from_account_id: UUID
    amount: str
    currency: str


def pay_utility(services: Services, key: str, order: UtilityOrder) -> Answer:
    """A utility (ЖКХ) payment, handed to utilities under the customer's key (utilities scopes keys per
    payer and checks the account is the payer's own), so a retry is a replay there."""
    return services.utility_pay(key, {"payer_id": str(order.user_id), "provider_id": str(order.provider_id),
                                      "payer_account": order.payer_account,
                                      "from_account_id": str(order.from_account_id), "amount": order.amount,
                                      "currency": order.currency})
