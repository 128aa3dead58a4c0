"""Use cases of quotes and exchange. No HTTP, no SQL strings.

A quote prices an exchange between two accounts of one customer (checked with accounts) at the cached mid
rate less the bank's spread, for `quote_ttl` seconds. Executing it is three short steps, none of which
holds a database transaction across the network:

1. claim: the Idempotency-Key is looked up (replay / 422 for another body); the quote is locked, checked
   (owner, expiry, not used) and moved open → executing under this key;
2. the ledger posts the exchange under the key `fx-quote-<quote id>`, so however often this step is
   retried, the quote moves money at most once (the ledger also refuses a second exchange per quote);
3. finish: executing → executed (with the ledger transaction, and `fx.exchanged` in the outbox) or
   refused (the ledger's problem, e.g. insufficient_funds), and the response is stored under the key.

A quote stuck in `executing` (the ledger unreachable, a crash between 2 and 3) is finished by a retry
with the same key, even after the quote's expiry: the customer accepted it in time. If the customer never
retries, the schedule does it (`finish_stuck_quotes`): it replays step 2 with the same ledger key and
order (the ledger's Idempotency-Key makes that exactly-once: posted now, or the stored result of the
earlier call) and records step 3, storing the response under the customer's key as a retry would.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from bank_shared.db import UnitOfWork
from bank_shared.errors import (
    AccountClosed,
    AccountNotFound,
    AppError,
    Conflict,
    CurrencyMismatch,
    DependencyUnavailable,
    IdempotencyKeyReused,
    IdempotencyRequestInFlight,
    NotFound,
    SameAccount,
    Unprocessable,
    problem,
)
from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.topics import FX_EXCHANGED
from bank_shared.http import Answer
from bank_shared.idempotency import IdempotentResult, fingerprint, run_idempotent, store_result, stored_result
from bank_shared.internal_models import AccountInfo
from bank_shared.money import from_minor, money_json, to_minor
from bank_shared.observability import count, logger
from bank_shared.timestamps import utc_text
from fx_service.clients import AccountsDirectory, LedgerExchanges
from fx_service.pricing import Price, Side, price
from fx_service.rate_source import MidRate, QuoteRateSource
from fx_service.repository import Quote, QuoteRepository

SERVICE = "fx"





class SameCurrency(Unprocessable):
    code, title = "same_currency", "Both accounts are in the same currency"


class QuoteNotFound(NotFound):
    code, title = "quote_not_found", "Quote not found"


class QuoteExpired(Unprocessable):
    code, title = "quote_expired", "The quote has expired"


class QuoteAlreadyUsed(Conflict):
    """Another exchange request (another Idempotency-Key) claimed this quote, whatever became of it: executing,
    executed or refused. It says nothing about money; the ledger's `quote_already_exchanged` says money moved
    for the quote (its exchange is posted) under another ledger key, which the saga cannot settle alone."""

    code, title = "quote_already_used", "The quote has already been used"


@dataclass(frozen=True)
class QuoteRequest:
    owner_id: UUID
    from_account_id: UUID
    to_account_id: UUID
    amount: str
    currency: str

    def payload(self) -> dict[str, str]:
        return {"owner": str(self.owner_id), "from": str(self.from_account_id), "to": str(self.to_account_id),
                "amount": self.amount, "currency": self.currency}


@dataclass(frozen=True)
class Pricing:
    rates: QuoteRateSource
    spread_bps: int
    ttl_seconds: int


def quote_view(row: Quote) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "from_account_id": str(row.from_account_id),
        "to_account_id": str(row.to_account_id),
        "sell": money_json(row.sell_amount, row.sell_currency),
        "buy": money_json(row.buy_amount, row.buy_currency),
        "fixed_side": row.fixed_side,
        "rate": format(row.rate.normalize(), "f"),
        "mid_rate": format(row.mid_rate.normalize(), "f"),
        "spread_bps": row.spread_bps,
        "rate_date": row.rate_date.isoformat(),
        "rate_source": row.rate_source,
        "rate_stale": row.rate_stale,
        "status": row.status,
        "expires_at": utc_text(row.expires_at),
        "created_at": utc_text(row.created_at),
    }


# quotes --------------------------------------------------------------------------------------------------------

def _owned_active(found: dict[UUID, AccountInfo], account_id: UUID, owner_id: UUID) -> AccountInfo:
    account = found.get(account_id)
    if account is None or account.owner_id != owner_id:
        raise AccountNotFound(f"No account {account_id}")
    if account.status != "active":
        raise AccountClosed(f"Account {account_id} is closed")
    return account


def _fixed_side(request: QuoteRequest, source: AccountInfo, target: AccountInfo) -> Side:
    if source.currency == target.currency:
        raise SameCurrency(f"Both accounts are in {source.currency}")
    if request.currency == source.currency:
        return "sell"
    if request.currency == target.currency:
        return "buy"
    raise CurrencyMismatch(f"The amount must be in {source.currency} or {target.currency}")


@dataclass(frozen=True)
class _Priced:
    """A quote priced before its transaction opens (the rates may come from Frankfurter, Redis or SSM)."""

    source: AccountInfo
    target: AccountInfo
    side: Side
    mid: MidRate
    price: Price


def _priced(request: QuoteRequest, found: dict[UUID, AccountInfo], pricing: Pricing) -> _Priced:
    source = _owned_active(found, request.from_account_id, request.owner_id)
    target = _owned_active(found, request.to_account_id, request.owner_id)
    side = _fixed_side(request, source, target)
    amount = to_minor(request.amount, request.currency)
    mid = pricing.rates.mid_rate(source.currency, target.currency)
    return _Priced(source, target, side, mid,
                   price(mid.rate, pricing.spread_bps, source.currency, target.currency, amount, side))


def _new_quote(uow: UnitOfWork, request: QuoteRequest, priced: _Priced, pricing: Pricing, now: datetime) -> Quote:
    source, target, mid = priced.source, priced.target, priced.mid
    return QuoteRepository(uow.connection).insert(
        uuid.uuid4(), request.owner_id, source.id, target.id, (source.currency, priced.price.sell_amount),
        (target.currency, priced.price.buy_amount), priced.side, mid.rate, priced.price.rate, pricing.spread_bps,
        mid.rate_date, mid.source, mid.stale, now, now + timedelta(seconds=pricing.ttl_seconds))


def create_quote(unit_of_work: Callable[[], UnitOfWork], request: QuoteRequest, accounts: AccountsDirectory,
                 pricing: Pricing, key: str | None = None, now: datetime | None = None) -> IdempotentResult:
    """A priced, stored quote. With an Idempotency-Key a retry returns the same quote. The accounts are asked
    and the quote is priced before the transaction opens (no network call inside it). A refusal of the pricing
    (rates unavailable, an unsupported currency, an account not the owner's, ...) is raised only where a new
    quote would be stored, so a retry of a stored quote is answered with it even while the rates are down."""
    moment = now or datetime.now(UTC)
    if request.from_account_id == request.to_account_id:
        raise SameAccount()
    found = accounts.accounts([request.from_account_id, request.to_account_id])
    try:
        priced: _Priced | AppError = _priced(request, found, pricing)
    except AppError as refusal:
        priced = refusal
    with unit_of_work() as uow:
        def operation() -> tuple[int, dict[str, Any]]:
            if isinstance(priced, AppError):
                raise priced
            return 201, quote_view(_new_quote(uow, request, priced, pricing, moment))

        if key is None:
            status, body = operation()
            return IdempotentResult(status, body, replayed=False)
        scope = f"fx-quote:{request.owner_id}"
        return run_idempotent(uow.connection, scope, key, fingerprint(scope, request.payload()), operation)


def get_quote(uow: UnitOfWork, owner_id: UUID, quote_id: UUID) -> dict[str, Any]:
    row = QuoteRepository(uow.connection).get(quote_id)
    if row is None or row.owner_id != owner_id:
        raise QuoteNotFound(f"No quote {quote_id}")
    return quote_view(row)


# exchange ------------------------------------------------------------------------------------------------------

def _claim(uow: UnitOfWork, owner_id: UUID, quote_id: UUID, key: str, now: datetime) -> Quote | IdempotentResult:
    """Step 1: the quote, claimed by this key; or the earlier outcome of this key on this quote."""
    repository = QuoteRepository(uow.connection)
    quote = repository.get(quote_id, lock=True)
    if quote is None or quote.owner_id != owner_id:
        raise QuoteNotFound(f"No quote {quote_id}")
    if quote.status != "open" and quote.exchange_key != key:
        raise QuoteAlreadyUsed(f"Quote {quote_id} is {quote.status}; ask for a new quote")
    if quote.status in ("executed", "refused"):
        return quote.replay()
    if quote.status == "open":
        if quote.expires_at <= now:
            count("QuotesExpired")
            raise QuoteExpired(f"Quote {quote_id} expired at {utc_text(quote.expires_at)}; ask for a new quote")
        repository.claim(quote_id, key)
    return quote


def ledger_order(quote: Quote) -> dict[str, Any]:
    sell, buy = quote.sell_currency, quote.buy_currency
    return {
        "quote_id": str(quote.id),
        "owner_id": str(quote.owner_id),
        "from_account_id": str(quote.from_account_id),
        "to_account_id": str(quote.to_account_id),
        "sell": {"amount": from_minor(quote.sell_amount, sell), "currency": sell},
        "buy": {"amount": from_minor(quote.buy_amount, buy), "currency": buy},
        "rate": format(quote.rate, "f"),
        "description": f"Exchange {sell}→{buy} at {format(quote.rate.normalize(), 'f')}",
    }


def _outcome(quote: Quote, answer: Answer) -> tuple[int, dict[str, Any], UUID | None]:
    if answer.status in (200, 201):
        transaction_id = UUID(str(answer.body["transaction_id"]))
        body = {**quote_view(quote), "status": "executed", "transaction_id": str(transaction_id),
                "executed_at": answer.body.get("created_at")}
        return 201, body, transaction_id
    code = str(answer.body.get("code") or "exchange_refused")
    title = str(answer.body.get("title") or "The exchange was refused")
    detail = str(answer.body.get("detail") or title)
    return answer.status, problem(answer.status, code, title, detail, quote_id=str(quote.id)), None


def _event_data(body: dict[str, Any], quote: Quote) -> dict[str, Any]:
    return {
        "quote_id": body["id"], "transaction_id": body["transaction_id"], "owner_id": str(quote.owner_id),
        "from_account_id": body["from_account_id"], "to_account_id": body["to_account_id"],
        "sell_amount": body["sell"]["amount"], "sell_currency": body["sell"]["currency"],
        "sell_amount_minor": quote.sell_amount, "buy_amount": body["buy"]["amount"],
        "buy_currency": body["buy"]["currency"], "buy_amount_minor": quote.buy_amount,
        "rate": body["rate"], "mid_rate": body["mid_rate"], "spread_bps": body["spread_bps"],
        "rate_date": body["rate_date"], "executed_at": body["executed_at"],
    }


def _finish(uow: UnitOfWork, quote_id: UUID, answer: Answer) -> IdempotentResult:
    """Step 3: record the ledger's outcome once (a concurrent retry may have recorded it already)."""
    repository = QuoteRepository(uow.connection)
    quote = repository.get(quote_id, lock=True)
    assert quote is not None
    if quote.status != "executing":
        return quote.replay()
    status, body, transaction_id = _outcome(quote, answer)
    repository.finish(quote_id, "executed" if transaction_id else "refused", transaction_id, status, body)
    if transaction_id is not None:
        record_event(uow, new_event(FX_EXCHANGED, SERVICE, str(quote.from_account_id), _event_data(body, quote)))
        count("ExchangesExecuted")
    else:
        count("ExchangesRefused", reason=str(body.get("code", "refused")))
    return IdempotentResult(status, body, replayed=False)


def execute(new_uow: Callable[[], UnitOfWork], owner_id: UUID, quote_id: UUID, key: str, ledger: LedgerExchanges,
            now: datetime | None = None) -> IdempotentResult:
    """Claim → ledger → finish (see the module docstring). `new_uow()` opens each short transaction."""
    scope = f"fx-exchange:{owner_id}"
    request_hash = fingerprint(scope, {"quote": str(quote_id)})
    with new_uow() as uow:
        stored = stored_result(uow.connection, scope, key, request_hash)
        if stored is not None:
            return stored
        claimed = _claim(uow, owner_id, quote_id, key, now or datetime.now(UTC))
    if isinstance(claimed, IdempotentResult):
        return claimed
    answer = ledger.exchange(f"fx-quote-{quote_id}", ledger_order(claimed))
    if answer.body.get("code") == IdempotencyRequestInFlight.code:
        raise IdempotencyRequestInFlight(headers={"Retry-After": "1"})
    if not _resolves(answer):  # the claim stays: this key's retry or the schedule settles it, never a guess
        raise DependencyUnavailable("The exchange's outcome is not known yet; try again", dependency="ledger",
                                    headers={"Retry-After": "1"})
    with new_uow() as uow:
        result = _finish(uow, quote_id, answer)
        if not result.replayed:
            store_result(uow.connection, scope, key, request_hash, result)
    return result


# quotes stuck in `executing` -------------------------------------------------------------------------------------

# Ledger answers that say nothing about whether the exchange happened, or (quote_already_exchanged) that it happened
# under another ledger key, whose transaction this replay does not learn: leave the quote for a later run (or a
# person) rather than record a refusal for money that may have moved.
_UNRESOLVED_CODES = frozenset({IdempotencyKeyReused.code, IdempotencyRequestInFlight.code, "quote_already_exchanged",
                               "rate_limited"})


def _resolves(answer: Answer) -> bool:
    return answer.status in (200, 201) or (answer.status != 429
                                           and str(answer.body.get("code")) not in _UNRESOLVED_CODES)


def finish_stuck_quotes(new_uow: Callable[[], UnitOfWork], ledger: LedgerExchanges, older_than_seconds: int,
                        limit: int) -> dict[str, int]:
    """Finish quotes claimed more than `older_than_seconds` ago and never finished: replay the ledger call
    under `fx-quote-<id>` with the same order, then record the outcome as `execute` would (executed with
    `fx.exchanged`, or refused) and store it as the response to the customer's key."""
    with new_uow() as uow:
        stuck = QuoteRepository(uow.connection).stuck(older_than_seconds, limit)
    counts = {"found": len(stuck), "executed": 0, "refused": 0, "already_finished": 0, "unresolved": 0}
    for quote in stuck:
        quote_id = quote.id
        try:
            answer = ledger.exchange(f"fx-quote-{quote_id}", ledger_order(quote))
        except DependencyUnavailable as error:
            logger.warning("stuck fx quote: ledger unavailable", extra={"quote_id": str(quote_id), "error": str(error)})
            counts["unresolved"] += 1
            continue
        if not _resolves(answer):
            logger.error("stuck fx quote: the ledger's answer does not settle it",
                         extra={"quote_id": str(quote_id), "status": answer.status, "code": answer.body.get("code")})
            counts["unresolved"] += 1
            continue
        with new_uow() as uow:
            result = _finish(uow, quote_id, answer)
            if not result.replayed:
                scope = f"fx-exchange:{quote.owner_id}"
                assert quote.exchange_key is not None  # a claimed quote has its key
                store_result(uow.connection, scope, quote.exchange_key, fingerprint(scope, {"quote": str(quote_id)}),
                             result)
        if result.replayed:
            counts["already_finished"] += 1
        else:
            counts["executed" if result.status == 201 else "refused"] += 1
            count("SagasFinishedBySweeper", saga="fx_quote")
            logger.info("stuck fx quote finished", extra={"quote_id": str(quote_id), "status": result.status,
                                                          "ledger_replayed": answer.replayed})
    return counts
