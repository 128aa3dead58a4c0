"""Use cases of savings interest: rates (admin, from a future date), the daily accrual and the monthly
capitalization run by the accounts function's schedule, and what a customer sees of their interest.

Accrual: for each active savings account, every day from the day after the last accrued one (or the opening
day) through yesterday — so missed days are caught up — gets the ledger's closing balance of that day, the rate
in effect that day and its interest (interest_math: half-even, once per day). A positive amount is posted by the
ledger (interest expense → accrued interest) under `interest:accrue:<account>:<day>`, then the day's row is
written (primary key (account, day)): a retry replays the ledger's answer and inserts nothing twice.
Capitalization: once a month's last day is accrued and the month is over, its sum moves from accrued interest
into the account under `interest:capitalize:<account>:<YYYY-MM>`, and the month's row is written.
Every ledger call happens with no transaction open.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from accounts_service.interest_client import InterestLedger
from accounts_service.interest_math import daily_interest
from accounts_service.repository import AccountsRepository
from accounts_service.savings_repository import AccountToAccrue, MonthToCapitalize, SavingsRate, SavingsRepository
from bank_shared.db import UnitOfWork
from bank_shared.errors import AccountNotFound, AppError, Unprocessable
from bank_shared.money import from_minor, money_json
from bank_shared.observability import logger

MAX_CATCH_UP_DAYS = 62
ACCOUNTS_PER_SWEEP = 50


class RateNotAccepted(Unprocessable):
    code, title = "rate_not_accepted", "The rate cannot be set this way"


def rate_view(row: SavingsRate) -> dict[str, Any]:
    return {"product_code": row.product_code, "effective_from": row.effective_from.isoformat(),
            "annual_rate": f"{row.annual_rate:.6f}", "set_by": row.set_by, "reason": row.reason}


def rate_on(rates: list[SavingsRate], product_code: str, day: date) -> Decimal:
    """The rate of the product in effect on `day` (the latest effective on or before it; 0 if none)."""
    found = [r for r in rates if r.product_code == product_code and r.effective_from <= day]
    return Decimal(found[-1].annual_rate) if found else Decimal(0)


def list_rates(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [rate_view(row) for row in SavingsRepository(uow.connection).rates()]


def set_rate(uow: UnitOfWork, actor: str, product_code: str, annual_rate: Decimal, effective_from: date,
             today: date, reason: str | None = None) -> dict[str, Any]:
    """A new rate from a future date (a past one would change interest already accrued)."""
    if effective_from <= today:
        raise RateNotAccepted("A rate takes effect from tomorrow at the earliest")
    product = AccountsRepository(uow.connection).product(product_code)
    if product is None or product.kind != "savings":
        raise RateNotAccepted(f"{product_code} is not a savings product")
    return rate_view(SavingsRepository(uow.connection).set_rate(product_code, effective_from, annual_rate, actor,
                                                                 reason))


def interest_summary(uow: UnitOfWork, owner_id: UUID, account_id: UUID, today: date) -> dict[str, Any]:
    """The account's current rate, interest accrued since the last capitalization, and the last ones."""
    account = AccountsRepository(uow.connection).get(account_id)
    if account is None or account.owner_id != owner_id:
        raise AccountNotFound()
    repo = SavingsRepository(uow.connection)
    currency = account.currency
    accrued = sum(row.amount for row in repo.accruals(account_id, today.replace(day=1)))
    return {"account_id": str(account_id),
            "annual_rate": f"{rate_on(repo.rates(account.product_code), account.product_code, today):.6f}",
            "accrued_this_month": money_json(accrued, currency),
            "capitalized": [{"month": row.month.isoformat()[:7], "amount": money_json(row.amount, currency)}
                            for row in repo.capitalizations(account_id, 12)]}


# --- the sweep --------------------------------------------------------------------------------------------


def accrue_account(ledger: InterestLedger, account: AccountToAccrue, rates: list[SavingsRate], through: date) -> int:
    """Accrue one account's missing days; returns how many were written (stops at the first refusal)."""
    opened = account.opened_at.date()
    first = max(opened, account.last_day + timedelta(days=1)) if account.last_day else opened
    last = min(through, first + timedelta(days=MAX_CATCH_UP_DAYS - 1))
    balances = ledger.closing_balances(account.id, first, last)
    written = 0
    for day in sorted(d for d in balances if first <= d <= last):
        rate = rate_on(rates, account.product_code, day)
        amount = daily_interest(balances[day], rate, day)
        transaction_id = None
        if amount > 0:
            answer = ledger.post(f"interest:accrue:{account.id}:{day.isoformat()}", {
                "kind": "accrue", "account_id": str(account.id), "amount": from_minor(amount, account.currency),
                "currency": account.currency, "description": f"Interest {day.isoformat()}"})
            if not answer.ok:
                logger.warning("interest accrual refused", extra={"account_id": str(account.id),
                                                                  "day": day.isoformat(), "status": answer.status})
                return written
            transaction_id = str(answer.body.get("transaction_id") or "") or None
        with UnitOfWork() as uow:
            SavingsRepository(uow.connection).insert_accrual(account.id, day, balances[day], rate, amount,
                                                             transaction_id)
        written += 1
    return written


def accrue(ledger: InterestLedger, today: date) -> int:
    """Accrue every savings account through yesterday (the last day that has ended)."""
    through = today - timedelta(days=1)
    with UnitOfWork() as uow:
        repo = SavingsRepository(uow.connection)
        accounts, rates = repo.accounts_to_accrue(through, ACCOUNTS_PER_SWEEP), repo.rates()
    written = 0
    for account in accounts:
        try:
            written += accrue_account(ledger, account, rates, through)
        except AppError as exc:  # the ledger unreachable: this account waits for the next sweep
            logger.warning("interest accrual deferred", extra={"account_id": str(account.id), "problem": exc.code})
    return written


def capitalize_month(ledger: InterestLedger, row: MonthToCapitalize) -> bool:
    """Move one finished month's interest into its account (key per account and month); False if refused."""
    total, transaction_id = int(row.total), None
    if total > 0:
        answer = ledger.post(f"interest:capitalize:{row.account_id}:{row.month.isoformat()[:7]}", {
            "kind": "capitalize", "account_id": str(row.account_id),
            "amount": from_minor(total, row.currency), "currency": row.currency,
            "description": f"Interest for {row.month.isoformat()[:7]}"})
        if not answer.ok:
            logger.warning("interest capitalization refused", extra={"account_id": str(row.account_id),
                                                                     "status": answer.status})
            return False
        transaction_id = str(answer.body.get("transaction_id") or "") or None
    with UnitOfWork() as uow:
        SavingsRepository(uow.connection).insert_capitalization(row.account_id, row.month, total,
                                                                transaction_id)
    return True


def capitalize(ledger: InterestLedger, today: date) -> int:
    """Move each finished, fully accrued month's interest into its account."""
    with UnitOfWork() as uow:
        due = SavingsRepository(uow.connection).months_to_capitalize(today.replace(day=1), ACCOUNTS_PER_SWEEP)
    return sum(1 for row in due if capitalize_month(ledger, row))


def sweep(ledger: InterestLedger, today: date) -> dict[str, int]:
    return {"days_accrued": accrue(ledger, today), "months_capitalized": capitalize(ledger, today)}
