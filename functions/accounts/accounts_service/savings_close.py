"""Interest on a savings account being closed (docs/products.md): before the close rules apply, the account's
interest is accrued through the day before the closing day and everything accrued but not yet paid in is
capitalized into it, so the closing balance includes it.

1. accrual catch-up for this account only (savings.accrue_account, the sweep's own step, keys per day);
2. each finished month not yet capitalized, as the sweep would (savings.capitalize_month, key per month: if the
   sweep does it at the same time, the ledger replays one of the two and the row is written once);
3. the days left (the closing month so far) in one posting under `interest:close:<account>:<last day>`, then
   those days are marked `settled_through` that day, so the month's capitalization, should the close be refused
   and the account stay open, pays only the rest.
Every ledger call is made with no transaction open; a crash between a posting and its row is repaired by the
next attempt, whose key replays. Idempotent per account: a second close finds nothing left to pay.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from accounts_service.interest_client import InterestLedger
from accounts_service.savings import accrue_account, capitalize_month
from accounts_service.savings_repository import SavingsRepository
from bank_shared.db import UnitOfWork
from bank_shared.errors import DependencyUnavailable
from bank_shared.money import from_minor

MAX_ROUNDS = 12  # of savings.MAX_CATCH_UP_DAYS each: two years of missed days


def _catch_up(ledger: InterestLedger, account_id: UUID, through: date) -> None:
    for _ in range(MAX_ROUNDS):
        with UnitOfWork() as uow:
            repo = SavingsRepository(uow.connection)
            behind, rates = repo.accounts_to_accrue(through, 1, account_id), repo.rates()
        if not behind:
            return
        if accrue_account(ledger, behind[0], rates, through) == 0:
            break
    raise DependencyUnavailable("The account's interest could not be accrued; try again", dependency="ledger")


def settle_on_close(ledger: InterestLedger, account_id: UUID, currency: str, today: date) -> int:
    """Pay all interest accrued through yesterday into the account; returns the minor units paid at close."""
    through = today - timedelta(days=1)
    _catch_up(ledger, account_id, through)
    with UnitOfWork() as uow:
        months = SavingsRepository(uow.connection).months_to_capitalize(through.replace(day=1), 24, account_id)
    if not all(capitalize_month(ledger, row) for row in months):
        raise DependencyUnavailable("The account's interest could not be paid in; try again", dependency="ledger")
    with UnitOfWork() as uow:
        left = SavingsRepository(uow.connection).unsettled(account_id, through)
    if left.last_day is None:
        return 0
    total, last_day = int(left.total), left.last_day
    if total > 0:
        answer = ledger.post(f"interest:close:{account_id}:{last_day.isoformat()}", {
            "kind": "capitalize", "account_id": str(account_id), "amount": from_minor(total, currency),
            "currency": currency, "description": f"Interest through {last_day.isoformat()} (account closing)"})
        if not answer.ok:
            raise DependencyUnavailable("The account's interest could not be paid in; try again", dependency="ledger")
    with UnitOfWork() as uow:
        SavingsRepository(uow.connection).mark_settled(account_id, last_day)
    return total
