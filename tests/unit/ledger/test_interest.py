"""Savings interest in the ledger's fast tier over the in-memory ledger: an accrual moves the bank's interest
expense into the accrued-interest liability, a capitalization moves it into the customer's account, each once per
Idempotency-Key and balanced; the refusals; closing balances per day. Each test names the bug that makes it fail."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from ledger_fakes import SERVICE, Bank

from bank_shared.errors import AccountClosed, AccountNotFound, CurrencyMismatch, IdempotencyKeyReused
from ledger_service import interest

OWNER = uuid.uuid4()


def post(bank: Bank, kind: str, account: UUID, amount: int, key: str, currency: str = "RUB") -> Any:
    return bank.run(interest.post_interest, SERVICE, key, kind, account, amount, currency, "interest")


def test_accrual_then_capitalization_move_the_money_once_each(bank: Bank) -> None:
    account = bank.ledger.customer_account(OWNER, balance=100_000)
    expense = bank.ledger.system_account("interest_expense")
    accrued = bank.ledger.system_account("accrued_interest")
    first = post(bank, "accrue", account, 27, "accrue-1")
    assert first.status == 201 and not first.replayed
    assert bank.ledger.account(accrued)["balance"] == 27  # bug: debit and credit swapped
    assert bank.ledger.account(expense)["balance"] == -27
    assert bank.ledger.account(account)["balance"] == 100_000  # an accrual is owed, not paid
    again = post(bank, "accrue", account, 27, "accrue-1")
    assert again.replayed and bank.ledger.account(accrued)["balance"] == 27  # bug: not idempotent
    with pytest.raises(IdempotencyKeyReused):
        post(bank, "accrue", account, 28, "accrue-1")

    post(bank, "capitalize", account, 27, "capitalize-1")
    assert bank.ledger.account(accrued)["balance"] == 0
    assert bank.ledger.account(account)["balance"] == 100_027  # bug: capitalization credits the wrong account


def test_refusals(bank: Bank) -> None:
    rub = bank.ledger.customer_account(OWNER, balance=0)
    bank.ledger.system_account("interest_expense")
    bank.ledger.system_account("accrued_interest")
    with pytest.raises(AccountNotFound):
        post(bank, "accrue", uuid.uuid4(), 1, "k-1")
    with pytest.raises(CurrencyMismatch):  # no interest accounts in that currency
        post(bank, "accrue", rub, 1, "k-2", currency="JPY")
    usd = bank.ledger.customer_account(OWNER, currency="USD")
    bank.ledger.system_account("interest_expense", "USD")
    bank.ledger.system_account("accrued_interest", "USD")
    with pytest.raises(CurrencyMismatch):  # the account is in another currency
        post(bank, "accrue", usd, 1, "k-3")
    bank.ledger.account(rub)["status"] = "closed"
    with pytest.raises(AccountClosed):
        post(bank, "capitalize", rub, 1, "k-4")


class Moves:
    """InterestRepository over fixed numbers: the balance before the first day and each day's net move."""

    def __init__(self, _connection: Any) -> None:
        pass

    def balance_before(self, account_id: UUID, first: date) -> int:
        return 1_000

    def daily_moves(self, account_id: UUID, first: date, last: date) -> dict[date, int]:
        return {date(2026, 12, 2): 500, date(2026, 12, 4): -200}


def test_closing_balances_carry_each_day_forward(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interest, "InterestRepository", Moves)
    days = bank.run(interest.daily_closing_balances, uuid.uuid4(), date(2026, 12, 1), date(2026, 12, 4))
    assert days == [{"day": "2026-12-01", "balance_minor": 1_000}, {"day": "2026-12-02", "balance_minor": 1_500},
                    {"day": "2026-12-03", "balance_minor": 1_500}, {"day": "2026-12-04", "balance_minor": 1_300}]
