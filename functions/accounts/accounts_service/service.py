"""Use cases of the accounts service: products, opening/closing accounts, cards. No HTTP, no SQL strings.

Object-level rule: a customer sees only their own accounts and cards; anyone else's are reported as not
found (404), never forbidden, so existence does not leak. Staff see everything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from accounts_service.card_tokens import pan_token
from accounts_service.interest_client import get_interest_ledger
from accounts_service.ledger_client import get_ledger
from accounts_service.numbers import account_number, mask_pan, new_pan
from accounts_service.repository import Account, AccountsRepository, Card, Product
from accounts_service.savings_close import settle_on_close
from accounts_service.settings import get_accounts_settings
from bank_shared.auth import Principal, customer_acted_for
from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    AppError,
    Conflict,
    DependencyUnavailable,
    Forbidden,
    NotFound,
    Unprocessable,
)
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import ACCOUNT_CLOSED, ACCOUNT_OPENED, CARD_ISSUED
from bank_shared.idempotency import IdempotentResult, fingerprint, run_idempotent, stored_result
from bank_shared.money import money_json
from bank_shared.observability import logger
from bank_shared.timestamps import utc_text_or_none

SERVICE = "accounts"
CARD_VALID_YEARS = 4
CARD_NUMBER_ATTEMPTS = 3



class CardNotFound(NotFound):
    code, title = "card_not_found", "Card not found"


FINAL_BLOCK_REASONS = frozenset({"lost", "stolen"})


class CardBlockFinal(Conflict):
    code, title = "card_block_final", "A card reported lost or stolen stays blocked"


class ProductNotFound(NotFound):
    code, title = "product_not_found", "Product not found"


class CurrencyNotOffered(Unprocessable):
    code, title = "currency_not_offered", "The product is not offered in this currency"


class AccountLimitReached(Unprocessable):
    code, title = "account_limit_reached", "Too many open accounts of this product"



class CardNumberUnavailable(DependencyUnavailable):
    code, title = "card_number_unavailable", "No free card number was found; try again"


class _CardNumberTaken(Exception):
    """The drawn PAN's token is already on a card (caught by issue_card, which draws another)."""


def product_view(row: Product) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "kind": row.kind, "currencies": list(row.currencies),
            "self_service": row.self_service, "overdraft_limit_minor": row.overdraft_limit}


def account_view(row: Account, balance: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "number": row.number,
        "owner_id": str(row.owner_id),
        "product_code": row.product_code,
        "currency": row.currency,
        "status": row.status,
        "opened_at": utc_text_or_none(row.opened_at),
        "closed_at": utc_text_or_none(row.closed_at),
        "balance": balance["balance"] if balance else None,
        "available": balance["available"] if balance else None,
    }


def card_view(row: Card) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "account_id": str(row.account_id),
        "pan_masked": mask_pan(row.last4, row.bin),
        "last4": row.last4,
        "expiry": f"{row.expiry_month:02d}/{row.expiry_year % 100:02d}",
        "status": row.status,
        "block_reason": row.block_reason,
        "created_at": utc_text_or_none(row.created_at),
    }


def list_products(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [product_view(row) for row in AccountsRepository(uow.connection).products()]


def _owner_for(principal: Principal, requested_owner: UUID | None) -> UUID:
    return customer_acted_for(principal, requested_owner, field="owner_id", named_by="staff",
                              refusal="Only customers and staff open accounts")


def opened_account_id(actor: str, key: str) -> UUID:
    """The id an opening under this Idempotency-Key gets: the same on every retry, so the ledger account
    registered before a crash is the one the retry finds (registration is idempotent by id)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"bank:accounts:open:{actor}:{key}")


def open_account(principal: Principal, key: str, product_code: str, currency: str,
                 owner_id: UUID | None = None, account_id: UUID | None = None,
                 unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> IdempotentResult:
    """Idempotent by Idempotency-Key. The ledger account is registered between two transactions (no call to
    another service while one is open): check, register in the ledger, then open here. An opening refused
    after the registration leaves an empty ledger account that no account of this service names."""
    owner = _owner_for(principal, owner_id)
    scope, request_hash = f"open:{principal.actor}", fingerprint("open", {
        "product": product_code, "currency": currency, "owner": str(owner)})
    with unit_of_work() as uow:
        done = stored_result(uow.connection, scope, key, request_hash)
        if done is not None:
            return done
        product = _openable_product(AccountsRepository(uow.connection), principal, product_code, currency, owner)
    new_id = account_id or opened_account_id(principal.actor, key)
    get_ledger().register(new_id, owner, currency, product.overdraft_limit)
    with unit_of_work() as uow:
        def operation() -> tuple[int, dict[str, Any]]:
            repository = AccountsRepository(uow.connection)
            checked = _openable_product(repository, principal, product_code, currency, owner)
            settings = get_accounts_settings()
            number = account_number(settings.bank_bic, checked.balance_account, currency,
                                    settings.branch_code, repository.next_serial())
            row = repository.insert_account(new_id, number, owner, product_code, currency, principal.actor)
            record_event(uow, new_event(ACCOUNT_OPENED, SERVICE, str(new_id), {
                "account_id": str(new_id), "owner_id": str(owner), "number": number, "currency": currency,
                "product_code": product_code, "overdraft_limit": money_json(checked.overdraft_limit, currency),
                "opened_by": principal.actor}))
            return 201, account_view(row)

        return run_idempotent(uow.connection, scope, key, request_hash, operation)


def _openable_product(repository: AccountsRepository, principal: Principal, product_code: str, currency: str,
                      owner: UUID) -> Product:
    product = repository.product(product_code)
    if product is None:
        raise ProductNotFound(f"No product {product_code!r}")
    if not product.self_service and not principal.is_staff:
        raise Forbidden("This product is opened by an employee")
    if currency not in product.currencies:
        raise CurrencyNotOffered(f"{product_code} is offered in {', '.join(product.currencies)}")
    if repository.count_open(owner, product_code) >= product.max_per_owner:
        raise AccountLimitReached()
    return product


def _visible_account(repository: AccountsRepository, principal: Principal, account_id: UUID,
                     *, lock: bool = False) -> Account:
    row = repository.get(account_id, lock=lock)
    if row is None or not (principal.is_staff or str(row.owner_id) == principal.subject):
        raise AccountNotFound(f"No account {account_id}")
    return row


def _balances(account_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """Balances from the ledger; an unavailable ledger degrades to accounts without balances."""
    try:
        return get_ledger().balances(account_ids)
    except AppError:
        return {}


def my_accounts(principal: Principal, unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> list[dict[str, Any]]:
    try:
        owner = UUID(principal.subject)
    except ValueError:
        return []
    with unit_of_work() as uow:
        rows = AccountsRepository(uow.connection).by_owner(owner)
    found = _balances([row.id for row in rows])  # after the transaction: the ledger is another service
    return [account_view(row, found.get(row.id)) for row in rows]


def get_account(principal: Principal, account_id: UUID,
                unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> dict[str, Any]:
    with unit_of_work() as uow:
        row = _visible_account(AccountsRepository(uow.connection), principal, account_id)
    return account_view(row, _balances([account_id]).get(account_id))


def close_account(principal: Principal, account_id: UUID,
                  unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> dict[str, Any]:
    """Only with a zero balance and no holds: the ledger checks both atomically and stops all postings (an
    idempotent call, made between this service's transactions); then the account is marked closed here."""
    with unit_of_work() as uow:
        repository = AccountsRepository(uow.connection)
        row = _visible_account(repository, principal, account_id)
        product = repository.product(row.product_code)
    if row.status == "closed":
        return account_view(row)
    if product is not None and product.kind == "savings":  # interest first: the closing balance includes it
        settle_on_close(get_interest_ledger(), account_id, row.currency, datetime.now(UTC).date())
    get_ledger().close(account_id)
    with unit_of_work() as uow:
        repository = AccountsRepository(uow.connection)
        row = _visible_account(repository, principal, account_id, lock=True)
        if row.status == "closed":  # a concurrent close got here first
            return account_view(row)
        closed = repository.mark_closed(account_id)
        record_event(uow, new_event(ACCOUNT_CLOSED, SERVICE, str(account_id),
                                    {"account_id": str(account_id), "owner_id": str(row.owner_id),
                                     "closed_by": principal.actor}))
    return account_view(closed)


@dataclass(frozen=True)
class CardNumber:
    """What is kept of a new PAN: its keyed token and last four digits (the PAN itself is dropped)."""

    token: str
    last4: str
    bin: str


def new_card_number() -> CardNumber:
    """A fresh PAN reduced to what is stored; its token costs a KMS call, so this runs before any
    transaction opens."""
    bin_prefix = get_accounts_settings().card_bin
    pan = new_pan(bin_prefix)
    return CardNumber(pan_token(pan), pan[-4:], bin_prefix)


def issue_card(principal: Principal, key: str, account_id: UUID,
               unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> IdempotentResult:
    """A card on the account. Random PANs can repeat (a billion per BIN): the unique token detects it and
    the card is issued with another number, each try in its own transaction."""
    for _attempt in range(CARD_NUMBER_ATTEMPTS):
        number = new_card_number()
        try:
            with unit_of_work() as uow:
                return _issue_card(uow, principal, key, account_id, number)
        except _CardNumberTaken:
            logger.warning("a new card number repeated an existing card's; drawing another")
    raise CardNumberUnavailable(headers={"Retry-After": "1"})


def _issue_card(uow: UnitOfWork, principal: Principal, key: str, account_id: UUID,
                number: CardNumber) -> IdempotentResult:
    def operation() -> tuple[int, dict[str, Any]]:
        repository = AccountsRepository(uow.connection)
        account = _visible_account(repository, principal, account_id)
        if account.status != "active":
            raise AccountClosed()
        now = datetime.now(UTC)
        card = repository.insert_card(uuid.uuid4(), account_id, number.token, number.last4, number.bin,
                                      now.month, now.year + CARD_VALID_YEARS)
        if card is None:
            raise _CardNumberTaken()  # rolls back, so the Idempotency-Key stays free for the next try
        view = card_view(card)
        record_event(uow, new_event(CARD_ISSUED, SERVICE, str(account_id), {
            "card_id": view["id"], "account_id": str(account_id), "owner_id": str(account.owner_id),
            "last4": view["last4"], "expiry": view["expiry"], "issued_by": principal.actor}))
        return 201, view

    return run_idempotent(uow.connection, f"card:{principal.actor}", key,
                          fingerprint("card", {"account": str(account_id)}), operation)


def list_cards(uow: UnitOfWork, principal: Principal, account_id: UUID) -> list[dict[str, Any]]:
    repository = AccountsRepository(uow.connection)
    _visible_account(repository, principal, account_id)
    return [card_view(row) for row in repository.cards(account_id)]


def set_card_status(uow: UnitOfWork, principal: Principal, card_id: UUID, status: str,
                    block_reason: str | None = None) -> dict[str, Any]:
    """Block (with the reason given) or unblock a card of one's own (staff: any). A card its owner reported lost
    or stolen is blocked for good for them (409 `card_block_final`): its number may be in someone's hands; staff
    may still unblock it through the back office."""
    repository = AccountsRepository(uow.connection)
    card = repository.card(card_id)
    if card is None:
        raise CardNotFound(f"No card {card_id}")
    try:
        _visible_account(repository, principal, card.account_id)
    except AccountNotFound:
        raise CardNotFound(f"No card {card_id}") from None
    if status == "active" and card.block_reason in FINAL_BLOCK_REASONS and not principal.is_staff:
        raise CardBlockFinal("A card reported lost or stolen cannot be unblocked; order a new card")
    return card_view(repository.set_card_status(card_id, status, block_reason if status == "blocked" else None))


# internal lookups (service role) --------------------------------------------------------------------------------

INTERNAL_LOOKUP_LIMIT = 100


def find_accounts(ids: list[UUID], owner_id: UUID | None, currency: str | None, number: str | None, *,
                  with_balances: bool = False, with_cards: bool = False, card_last4: str | None = None,
                  unit_of_work: Callable[[], UnitOfWork] = UnitOfWork) -> list[dict[str, Any]]:
    """Accounts for another service (ownership checks, recipient resolution, the customer dashboard).

    At least one of ids, owner_id or number must narrow the search. Balances come from the ledger (left
    null when it is unavailable) after this service's transaction; cards are masked, as everywhere.
    """
    if not ids and owner_id is None and number is None and card_last4 is None:
        raise Unprocessable("Give account ids, an owner_id, a number or a card's last four digits")
    with unit_of_work() as uow:
        repository = AccountsRepository(uow.connection)
        rows = repository.find(ids, owner_id, currency, number, INTERNAL_LOOKUP_LIMIT, card_last4)
        card_rows = repository.cards_of([row.id for row in rows]) if with_cards else []
    found = _balances([row.id for row in rows]) if with_balances and rows else {}
    views = [account_view(row, found.get(row.id)) for row in rows]
    if with_cards:
        cards: dict[str, list[dict[str, Any]]] = {view["id"]: [] for view in views}
        for card in card_rows:
            cards[str(card.account_id)].append(card_view(card))
        for view in views:
            view["cards"] = cards[view["id"]]
    return views
